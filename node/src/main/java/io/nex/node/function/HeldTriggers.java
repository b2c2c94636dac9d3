package io.nex.node.function;

import java.util.ArrayList;
import java.util.List;

/**
 * The triggers of a function routed while its agent is still adding it, kept in their order of
 * arrival until the add is answered. The loop's alone.
 */
final class HeldTriggers {
  private List<TriggerMessage> waiting = new ArrayList<>();

  /** Keeps {@code msg} and returns true while the add is under way; false once it is over. */
  boolean hold(TriggerMessage msg) {
    if (waiting == null) {
      return false;
    }
    waiting.add(msg);
    return true;
  }

  /** Those held so far, in order; from now on nothing is held. */
  List<TriggerMessage> release() {
    List<TriggerMessage> held = waiting == null ? List.of() : waiting;
    waiting = null;
    return held;
  }
}
