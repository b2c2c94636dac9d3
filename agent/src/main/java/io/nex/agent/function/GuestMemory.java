package io.nex.agent.function;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.TrapException;
import java.nio.charset.StandardCharsets;

/**
 * One instance's linear memory as the host sees it: (pointer, length) pairs read out, results
 * placed in memory the module hands out from its exported {@code alloc}, and 8-byte result slots
 * (u32 pointer, u32 length, little-endian) written. Bad pointers trap, as a bad load would.
 */
final class GuestMemory {
  static final String ALLOC = "alloc";

  private final Instance instance;
  private final boolean exportsAlloc;

  GuestMemory(Instance instance, boolean exportsAlloc) {
    this.instance = instance;
    this.exportsAlloc = exportsAlloc;
  }

  byte[] bytes(long pointer, long length) {
    if (length == 0) {
      return new byte[0];
    }
    return memory().readBytes(address(pointer), address(length));
  }

  String string(long pointer, long length) {
    return new String(bytes(pointer, length), StandardCharsets.UTF_8);
  }

  /** Copies data into memory from the module's allocator; an empty result needs no memory and gets pointer 0. */
  int place(byte[] data) {
    if (data.length == 0) {
      return 0;
    }
    if (!exportsAlloc) {
      throw new TrapException("the module must export alloc (i32) -> i32 to receive results from the host");
    }
    int pointer = (int) instance.export(ALLOC).apply(data.length)[0];
    memory().write(pointer, data);
    return pointer;
  }

  void writeSlot(long slot, int pointer, int length) {
    memory().writeI32(address(slot), pointer);
    memory().writeI32(address(slot) + 4, length);
  }

  int slotPointer(long slot) {
    return memory().readInt(address(slot));
  }

  int slotLength(long slot) {
    return memory().readInt(address(slot) + 4);
  }

  private Memory memory() {
    Memory memory = instance.memory();
    if (memory == null) {
      throw new TrapException("the module has no memory to exchange data through");
    }
    return memory;
  }

  private static int address(long value) {
    if (value < 0 || value > Integer.MAX_VALUE) {
      throw new TrapException("out of bounds memory access");
    }
    return (int) value;
  }
}
