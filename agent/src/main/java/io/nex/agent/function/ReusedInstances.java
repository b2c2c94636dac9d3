package io.nex.agent.function;

import com.dylibso.chicory.runtime.GlobalInstance;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.MutabilityType;
import com.dylibso.chicory.wasm.types.OpCode;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Supplier;

/**
 * Instances of a small handler module kept between invocations, each put back into the state a
 * new instance starts in before it is used again: its whole initial memory and its mutable
 * globals restored. A new instance per call allocates its memory (64 KiB a page) and links every
 * function; at thousands of calls a second that kept the agent's small heap in young collections
 * (about 600 a second, 14% of the time stopped). Each call still starts from a fresh state; only
 * the parts of memory it wrote are copied back.
 *
 * <p>Only modules whose whole state is memory and globals qualify: handler form, no WASI (its
 * streams belong to one call), no {@code _initialize}, at most {@link #MAX_MEMORY_PAGES} pages to
 * copy back, and no instruction that changes what a restore does not cover (tables, passive
 * segments, exceptions, GC objects). An instance whose call failed, or whose memory grew, is
 * dropped.
 */
final class ReusedInstances {
  /** As many pages as {@link FreshMemory} tracks the writes of: 4. */
  static final int MAX_MEMORY_PAGES = FreshMemory.MAX_TRACKED_PAGES;
  private static final Set<OpCode> STATE_OUTSIDE_MEMORY = EnumSet.of(OpCode.TABLE_SET, OpCode.TABLE_GROW,
      OpCode.TABLE_FILL, OpCode.TABLE_COPY, OpCode.TABLE_INIT, OpCode.ELEM_DROP, OpCode.MEMORY_INIT, OpCode.DATA_DROP,
      OpCode.THROW, OpCode.THROW_REF, OpCode.TRY_TABLE);

  private final Supplier<Instance> fresh;
  private final BlockingQueue<Instance> idle = new ArrayBlockingQueue<>(Invocations.WORKERS);
  private volatile Snapshot initial;

  private ReusedInstances(Supplier<Instance> fresh) {
    this.fresh = fresh;
  }

  /** Empty when instances of {@code prepared} cannot be restored to a fresh state. */
  static Optional<ReusedInstances> of(PreparedModule prepared, Supplier<Instance> fresh) {
    WasmModule module = prepared.module();
    boolean small = module.memorySection().map(s -> s.memoryCount() == 1
        && s.getMemory(0).limits().initialPages() <= MAX_MEMORY_PAGES).orElse(false);
    boolean qualifies = prepared.form() == PreparedModule.Form.HANDLER && !prepared.importsWasi()
        && !prepared.exportsInitialize() && small && stateIsMemoryAndGlobals(module);
    return qualifies ? Optional.of(new ReusedInstances(fresh)) : Optional.empty();
  }

  private static boolean stateIsMemoryAndGlobals(WasmModule module) {
    for (FunctionBody body : module.codeSection().functionBodies()) {
      for (Instruction instruction : body.instructions()) {
        OpCode op = instruction.opcode();
        if (STATE_OUTSIDE_MEMORY.contains(op) || op.name().startsWith("STRUCT_") || op.name().startsWith("ARRAY_")) {
          return false;
        }
      }
    }
    return true;
  }

  /** An instance in its initial state: a kept one, or a new one. */
  Instance take() {
    Instance kept = idle.poll();
    if (kept != null) {
      return kept;
    }
    Instance made = fresh.get();
    if (initial == null) {
      initial = Snapshot.of(made);
    }
    return made;
  }

  /** Takes back an instance whose call completed normally, restored, if its memory did not grow. */
  void giveBack(Instance instance) {
    Snapshot state = initial;
    if (state != null && instance.memory().pages() == state.pages) {
      state.restore(instance);
      idle.offer(instance);
    }
  }

  /** What a new instance holds before it runs: its memory and its mutable globals. */
  private static final class Snapshot {
    private final int pages;
    private final byte[] memory;
    private final int[] globals;
    private final long[] lows;
    private final long[] highs;

    private Snapshot(int pages, byte[] memory, int[] globals, long[] lows, long[] highs) {
      this.pages = pages;
      this.memory = memory;
      this.globals = globals;
      this.lows = lows;
      this.highs = highs;
    }

    static Snapshot of(Instance instance) {
      Memory memory = instance.memory();
      int count = 0;
      int[] globals = new int[instance.globalCount()];
      for (int i = 0; i < instance.globalCount(); i++) {
        if (instance.global(i).getMutabilityType() == MutabilityType.Var) {
          globals[count++] = i;
        }
      }
      long[] lows = new long[count];
      long[] highs = new long[count];
      for (int i = 0; i < count; i++) {
        GlobalInstance global = instance.global(globals[i]);
        lows[i] = global.getValueLow();
        highs[i] = global.getValueHigh();
      }
      return new Snapshot(memory.pages(), memory.readBytes(0, memory.pages() * Memory.PAGE_SIZE),
          Arrays.copyOf(globals, count), lows, highs);
    }

    /** The instance's memory is the {@link FreshMemory} every runner gives its instances. */
    void restore(Instance instance) {
      ((FreshMemory) instance.memory()).putBack(memory);
      for (int i = 0; i < globals.length; i++) {
        GlobalInstance global = instance.global(globals[i]);
        global.setValueLow(lows[i]);
        global.setValueHigh(highs[i]);
      }
    }
  }
}
