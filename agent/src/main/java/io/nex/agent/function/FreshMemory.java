package io.nex.agent.function;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;

/**
 * A new instance's linear memory: Chicory's {@link ByteArrayMemory}, except that the zeroing
 * Chicory does as it instantiates a module is skipped, because a new Java array is zero already.
 * In the agent's C1-only JVM that zeroing was about 70% of a small function's invocation (a
 * byte loop over every initial page); later zeroing, if any, is done.
 */
final class FreshMemory implements Memory {
  private final ByteArrayMemory memory;
  private boolean fresh = true;

  FreshMemory(MemoryLimits limits) {
    this.memory = new ByteArrayMemory(limits);
  }

  @Override
  public void zero() {
    if (fresh) {
      fresh = false;
      return;
    }
    memory.zero();
  }

  @Override
  public Object lock(int address) {
    return memory.lock(address);
  }

  @Override
  public int waitOn(int address, int expected, long timeout) {
    return memory.waitOn(address, expected, timeout);
  }

  @Override
  public int waitOn(int address, long expected, long timeout) {
    return memory.waitOn(address, expected, timeout);
  }

  @Override
  public int notify(int address, int count) {
    return memory.notify(address, count);
  }

  @Override
  public int pages() {
    return memory.pages();
  }

  @Override
  public int grow(int pages) {
    return memory.grow(pages);
  }

  @Override
  public int initialPages() {
    return memory.initialPages();
  }

  @Override
  public int maximumPages() {
    return memory.maximumPages();
  }

  @Override
  public boolean shared() {
    return memory.shared();
  }

  @Override
  public void initialize(Instance instance, DataSegment[] segments) {
    memory.initialize(instance, segments);
  }

  @Override
  public void initialize(Instance instance, DataSegment[] segments, int index) {
    memory.initialize(instance, segments, index);
  }

  @Override
  public void initPassiveSegment(int segment, int address, int offset, int length) {
    memory.initPassiveSegment(segment, address, offset, length);
  }

  @Override
  public void write(int address, byte[] data, int offset, int length) {
    memory.write(address, data, offset, length);
  }

  @Override
  public byte read(int address) {
    return memory.read(address);
  }

  @Override
  public byte[] readBytes(int address, int length) {
    return memory.readBytes(address, length);
  }

  @Override
  public void writeI32(int address, int value) {
    memory.writeI32(address, value);
  }

  @Override
  public int readInt(int address) {
    return memory.readInt(address);
  }

  @Override
  public void writeLong(int address, long value) {
    memory.writeLong(address, value);
  }

  @Override
  public long readLong(int address) {
    return memory.readLong(address);
  }

  @Override
  public void writeShort(int address, short value) {
    memory.writeShort(address, value);
  }

  @Override
  public short readShort(int address) {
    return memory.readShort(address);
  }

  @Override
  public long readU16(int address) {
    return memory.readU16(address);
  }

  @Override
  public void writeByte(int address, byte value) {
    memory.writeByte(address, value);
  }

  @Override
  public void writeF32(int address, float value) {
    memory.writeF32(address, value);
  }

  @Override
  public long readF32(int address) {
    return memory.readF32(address);
  }

  @Override
  public float readFloat(int address) {
    return memory.readFloat(address);
  }

  @Override
  public void writeF64(int address, double value) {
    memory.writeF64(address, value);
  }

  @Override
  public double readDouble(int address) {
    return memory.readDouble(address);
  }

  @Override
  public long readF64(int address) {
    return memory.readF64(address);
  }

  @Override
  public void fill(byte value, int from, int to) {
    memory.fill(value, from, to);
  }

  @Override
  public void copy(int destination, int source, int length) {
    memory.copy(destination, source, length);
  }

  @Override
  public void drop(int segment) {
    memory.drop(segment);
  }

  @Override
  public void atomicFence() {
    memory.atomicFence();
  }

  @Override
  public byte atomicAddByte(int address, byte value) {
    return memory.atomicAddByte(address, value);
  }

  @Override
  public int atomicAddInt(int address, int value) {
    return memory.atomicAddInt(address, value);
  }

  @Override
  public long atomicAddLong(int address, long value) {
    return memory.atomicAddLong(address, value);
  }

  @Override
  public short atomicAddShort(int address, short value) {
    return memory.atomicAddShort(address, value);
  }

  @Override
  public byte atomicAndByte(int address, byte value) {
    return memory.atomicAndByte(address, value);
  }

  @Override
  public int atomicAndInt(int address, int value) {
    return memory.atomicAndInt(address, value);
  }

  @Override
  public long atomicAndLong(int address, long value) {
    return memory.atomicAndLong(address, value);
  }

  @Override
  public short atomicAndShort(int address, short value) {
    return memory.atomicAndShort(address, value);
  }

  @Override
  public byte atomicCmpxchgByte(int address, byte expected, byte replacement) {
    return memory.atomicCmpxchgByte(address, expected, replacement);
  }

  @Override
  public int atomicCmpxchgInt(int address, int expected, int replacement) {
    return memory.atomicCmpxchgInt(address, expected, replacement);
  }

  @Override
  public long atomicCmpxchgLong(int address, long expected, long replacement) {
    return memory.atomicCmpxchgLong(address, expected, replacement);
  }

  @Override
  public short atomicCmpxchgShort(int address, short expected, short replacement) {
    return memory.atomicCmpxchgShort(address, expected, replacement);
  }

  @Override
  public byte atomicOrByte(int address, byte value) {
    return memory.atomicOrByte(address, value);
  }

  @Override
  public int atomicOrInt(int address, int value) {
    return memory.atomicOrInt(address, value);
  }

  @Override
  public long atomicOrLong(int address, long value) {
    return memory.atomicOrLong(address, value);
  }

  @Override
  public short atomicOrShort(int address, short value) {
    return memory.atomicOrShort(address, value);
  }

  @Override
  public byte atomicReadByte(int address) {
    return memory.atomicReadByte(address);
  }

  @Override
  public int atomicReadInt(int address) {
    return memory.atomicReadInt(address);
  }

  @Override
  public long atomicReadLong(int address) {
    return memory.atomicReadLong(address);
  }

  @Override
  public short atomicReadShort(int address) {
    return memory.atomicReadShort(address);
  }

  @Override
  public void atomicWriteByte(int address, byte value) {
    memory.atomicWriteByte(address, value);
  }

  @Override
  public void atomicWriteInt(int address, int value) {
    memory.atomicWriteInt(address, value);
  }

  @Override
  public void atomicWriteLong(int address, long value) {
    memory.atomicWriteLong(address, value);
  }

  @Override
  public void atomicWriteShort(int address, short value) {
    memory.atomicWriteShort(address, value);
  }

  @Override
  public byte atomicXchgByte(int address, byte value) {
    return memory.atomicXchgByte(address, value);
  }

  @Override
  public int atomicXchgInt(int address, int value) {
    return memory.atomicXchgInt(address, value);
  }

  @Override
  public long atomicXchgLong(int address, long value) {
    return memory.atomicXchgLong(address, value);
  }

  @Override
  public short atomicXchgShort(int address, short value) {
    return memory.atomicXchgShort(address, value);
  }

  @Override
  public byte atomicXorByte(int address, byte value) {
    return memory.atomicXorByte(address, value);
  }

  @Override
  public int atomicXorInt(int address, int value) {
    return memory.atomicXorInt(address, value);
  }

  @Override
  public long atomicXorLong(int address, long value) {
    return memory.atomicXorLong(address, value);
  }

  @Override
  public short atomicXorShort(int address, short value) {
    return memory.atomicXorShort(address, value);
  }
}
