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
 *
 * <p>It also notes which of {@value #TRACKED_CHUNKS} chunks of its initial memory (1 KiB each
 * for one page, up to {@value #MAX_CHUNK_BYTES} bytes for {@link #MAX_TRACKED_PAGES} pages) were
 * written since it was last put back ({@link #putBack}), so that a kept instance is restored by
 * copying those alone: a whole page copied back on every call of a thousand functions was a
 * working set beyond the CPU's caches, read from main memory each time.
 */
final class FreshMemory implements Memory {
  private static final int TRACKED_CHUNKS = Long.SIZE;
  private static final int MAX_CHUNK_BYTES = 4096;
  /** The largest initial memory whose writes are tracked exactly. */
  static final int MAX_TRACKED_PAGES = TRACKED_CHUNKS * MAX_CHUNK_BYTES / Memory.PAGE_SIZE;
  private static final long EVERY_CHUNK = -1L;
  private final ByteArrayMemory memory;
  /** log2 of the chunk size: the initial memory in 64 chunks, rounded up to a power of two. */
  private final int chunkShift;
  private boolean fresh = true;
  /** Bit {@code i}: chunk {@code i} may differ from what {@link #putBack} last restored. */
  private long written = EVERY_CHUNK;

  FreshMemory(MemoryLimits limits) {
    this.memory = new ByteArrayMemory(limits);
    int pages = Math.max(1, Math.min(limits.initialPages(), MAX_TRACKED_PAGES));
    this.chunkShift = Integer.numberOfTrailingZeros(Memory.PAGE_SIZE / TRACKED_CHUNKS)
        + 32 - Integer.numberOfLeadingZeros(pages - 1);
  }

  /**
   * Copies back from {@code initial} every chunk written since the last put-back. Exact only for
   * an initial memory of at most {@link #MAX_TRACKED_PAGES} pages (bits wrap past it), which has
   * not grown since {@code initial} was read.
   */
  void putBack(byte[] initial) {
    for (long chunks = written; chunks != 0; chunks &= chunks - 1) {
      int from = Long.numberOfTrailingZeros(chunks) << chunkShift;
      if (from >= initial.length) {
        break; // bits past the memory's end: set by "every chunk"
      }
      memory.write(from, initial, from, Math.min(1 << chunkShift, initial.length - from));
    }
    written = 0;
  }

  private void touched(int address, int length) {
    if (length > 0) {
      int first = address >>> chunkShift;
      int last = (address + length - 1) >>> chunkShift;
      written |= last - first >= TRACKED_CHUNKS - 1 ? EVERY_CHUNK
          : (EVERY_CHUNK >>> (TRACKED_CHUNKS - 1 - (last - first))) << first;
    }
  }

  @Override
  public void zero() {
    written = EVERY_CHUNK;
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
    written = EVERY_CHUNK;
    memory.initialize(instance, segments);
  }

  @Override
  public void initialize(Instance instance, DataSegment[] segments, int index) {
    written = EVERY_CHUNK;
    memory.initialize(instance, segments, index);
  }

  @Override
  public void initPassiveSegment(int segment, int address, int offset, int length) {
    touched(address, length);
    memory.initPassiveSegment(segment, address, offset, length);
  }

  @Override
  public void write(int address, byte[] data, int offset, int length) {
    touched(address, length);
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
    touched(address, 8);
    memory.writeI32(address, value);
  }

  @Override
  public int readInt(int address) {
    return memory.readInt(address);
  }

  @Override
  public void writeLong(int address, long value) {
    touched(address, 8);
    memory.writeLong(address, value);
  }

  @Override
  public long readLong(int address) {
    return memory.readLong(address);
  }

  @Override
  public void writeShort(int address, short value) {
    touched(address, 8);
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
    touched(address, 8);
    memory.writeByte(address, value);
  }

  @Override
  public void writeF32(int address, float value) {
    touched(address, 8);
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
    touched(address, 8);
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
    touched(from, to - from);
    memory.fill(value, from, to);
  }

  @Override
  public void copy(int destination, int source, int length) {
    touched(destination, length);
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
    touched(address, 8);
    return memory.atomicAddByte(address, value);
  }

  @Override
  public int atomicAddInt(int address, int value) {
    touched(address, 8);
    return memory.atomicAddInt(address, value);
  }

  @Override
  public long atomicAddLong(int address, long value) {
    touched(address, 8);
    return memory.atomicAddLong(address, value);
  }

  @Override
  public short atomicAddShort(int address, short value) {
    touched(address, 8);
    return memory.atomicAddShort(address, value);
  }

  @Override
  public byte atomicAndByte(int address, byte value) {
    touched(address, 8);
    return memory.atomicAndByte(address, value);
  }

  @Override
  public int atomicAndInt(int address, int value) {
    touched(address, 8);
    return memory.atomicAndInt(address, value);
  }

  @Override
  public long atomicAndLong(int address, long value) {
    touched(address, 8);
    return memory.atomicAndLong(address, value);
  }

  @Override
  public short atomicAndShort(int address, short value) {
    touched(address, 8);
    return memory.atomicAndShort(address, value);
  }

  @Override
  public byte atomicCmpxchgByte(int address, byte expected, byte replacement) {
    touched(address, 8);
    return memory.atomicCmpxchgByte(address, expected, replacement);
  }

  @Override
  public int atomicCmpxchgInt(int address, int expected, int replacement) {
    touched(address, 8);
    return memory.atomicCmpxchgInt(address, expected, replacement);
  }

  @Override
  public long atomicCmpxchgLong(int address, long expected, long replacement) {
    touched(address, 8);
    return memory.atomicCmpxchgLong(address, expected, replacement);
  }

  @Override
  public short atomicCmpxchgShort(int address, short expected, short replacement) {
    touched(address, 8);
    return memory.atomicCmpxchgShort(address, expected, replacement);
  }

  @Override
  public byte atomicOrByte(int address, byte value) {
    touched(address, 8);
    return memory.atomicOrByte(address, value);
  }

  @Override
  public int atomicOrInt(int address, int value) {
    touched(address, 8);
    return memory.atomicOrInt(address, value);
  }

  @Override
  public long atomicOrLong(int address, long value) {
    touched(address, 8);
    return memory.atomicOrLong(address, value);
  }

  @Override
  public short atomicOrShort(int address, short value) {
    touched(address, 8);
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
    touched(address, 8);
    memory.atomicWriteByte(address, value);
  }

  @Override
  public void atomicWriteInt(int address, int value) {
    touched(address, 8);
    memory.atomicWriteInt(address, value);
  }

  @Override
  public void atomicWriteLong(int address, long value) {
    touched(address, 8);
    memory.atomicWriteLong(address, value);
  }

  @Override
  public void atomicWriteShort(int address, short value) {
    touched(address, 8);
    memory.atomicWriteShort(address, value);
  }

  @Override
  public byte atomicXchgByte(int address, byte value) {
    touched(address, 8);
    return memory.atomicXchgByte(address, value);
  }

  @Override
  public int atomicXchgInt(int address, int value) {
    touched(address, 8);
    return memory.atomicXchgInt(address, value);
  }

  @Override
  public long atomicXchgLong(int address, long value) {
    touched(address, 8);
    return memory.atomicXchgLong(address, value);
  }

  @Override
  public short atomicXchgShort(int address, short value) {
    touched(address, 8);
    return memory.atomicXchgShort(address, value);
  }

  @Override
  public byte atomicXorByte(int address, byte value) {
    touched(address, 8);
    return memory.atomicXorByte(address, value);
  }

  @Override
  public int atomicXorInt(int address, int value) {
    touched(address, 8);
    return memory.atomicXorInt(address, value);
  }

  @Override
  public long atomicXorLong(int address, long value) {
    touched(address, 8);
    return memory.atomicXorLong(address, value);
  }

  @Override
  public short atomicXorShort(int address, short value) {
    touched(address, 8);
    return memory.atomicXorShort(address, value);
  }
}
