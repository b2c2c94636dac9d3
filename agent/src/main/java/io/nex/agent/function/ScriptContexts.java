package io.nex.agent.function;

import org.mozilla.javascript.Context;
import org.mozilla.javascript.ContextFactory;

/**
 * Rhino contexts for untrusted scripts. Every Java class is hidden from scripts (a class shutter
 * that admits none; scopes come from {@code initSafeStandardObjects}, so there is no
 * {@code Packages}, {@code java} or {@code JavaImporter} to start from), and every context runs
 * against a deadline that Rhino's instruction observer checks while the script runs, loops and
 * regular expressions included; an interrupt stops it the same way.
 */
final class ScriptContexts extends ContextFactory {
  // instructions between deadline checks: about 100 µs of a tight loop
  private static final int OBSERVER_THRESHOLD = 10_000;

  @Override
  protected Context makeContext() {
    ScriptContext cx = new ScriptContext(this);
    cx.setLanguageVersion(Context.VERSION_ECMASCRIPT);
    // compiled to JVM bytecode (measured faster than Rhino's interpreter on large payloads);
    // the compiled code still counts instructions for the observer
    cx.setInterpretedMode(false);
    cx.setClassShutter(className -> false);
    cx.setInstructionObserverThreshold(OBSERVER_THRESHOLD);
    return cx;
  }

  @Override
  protected void observeInstructionCount(Context cx, int instructionCount) {
    if (System.nanoTime() - ((ScriptContext) cx).deadlineNanos > 0 || Thread.currentThread().isInterrupted()) {
      throw new Stopped();
    }
  }

  /** Enters a context on this thread that stops the script at the deadline; pair with {@link Context#exit()}. */
  Context enter(long deadlineNanos) {
    ScriptContext cx = (ScriptContext) enterContext();
    cx.deadlineNanos = deadlineNanos;
    return cx;
  }

  private static final class ScriptContext extends Context {
    // born expired: a context entered without a deadline cannot run script code
    private long deadlineNanos = System.nanoTime();

    private ScriptContext(ContextFactory factory) {
      super(factory);
    }
  }

  /**
   * Past the deadline, or the thread was interrupted. An Error, not a script exception, so no
   * catch or finally in the script can absorb it.
   */
  static final class Stopped extends Error {
    private static final long serialVersionUID = 1L;

    private Stopped() {
      super("stopped", null, false, false);
    }
  }
}
