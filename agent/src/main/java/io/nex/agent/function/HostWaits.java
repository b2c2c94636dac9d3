package io.nex.agent.function;

/**
 * Whether a run on this thread has waited on a host service since the thread last asked: a
 * trigger socket's reader, which runs short calls itself, sends the later calls of a function
 * that waits to workers, so that its neighbours' calls do not queue behind the waits.
 */
public final class HostWaits {
  private static final ThreadLocal<boolean[]> WAITED = ThreadLocal.withInitial(() -> new boolean[1]);

  private HostWaits() {}

  /** The run on this thread is about to wait for the node's answer to a host-service call. */
  public static void waiting() {
    WAITED.get()[0] = true;
  }

  /** Whether a run on this thread has waited since the last call of this method. */
  public static boolean takeWaited() {
    boolean[] waited = WAITED.get();
    boolean was = waited[0];
    waited[0] = false;
    return was;
  }
}
