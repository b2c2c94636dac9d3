package io.nex.node.pool;

import io.nex.node.sandbox.Sandbox;

/** A sandbox in the warm pool and whether its agent has handshaken yet. */
final class PoolEntry {
  enum State {
    STARTING("starting"),
    READY("ready");

    private final String wireName;

    State(String wireName) {
      this.wireName = wireName;
    }

    String wireName() {
      return wireName;
    }
  }

  private final Sandbox sandbox;
  private volatile State state = State.STARTING;

  PoolEntry(Sandbox sandbox) {
    this.sandbox = sandbox;
  }

  String id() {
    return sandbox.id();
  }

  Sandbox sandbox() {
    return sandbox;
  }

  State state() {
    return state;
  }

  void ready() {
    state = State.READY;
  }
}
