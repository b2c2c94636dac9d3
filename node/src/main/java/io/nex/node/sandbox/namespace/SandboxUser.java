package io.nex.node.sandbox.namespace;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The host uid (and gid) a sandbox runs as: its own, drawn at random from [2^30, 2^31), far above
 * any account a distribution hands out. One uid per sandbox, not a shared {@code nobody}: the
 * kernel keys some state by uid alone (the user keyring, inotify and mqueue limits), which
 * sandboxes must not share with each other or with the host's daemons. A sandbox has two: its
 * agent's and its workload's ({@link #pickOtherThan}), so the workload cannot reach into its agent.
 */
record SandboxUser(int uid) {
  private static final int FIRST = 1 << 30;

  static SandboxUser pick() {
    return new SandboxUser(FIRST + ThreadLocalRandom.current().nextInt(FIRST));
  }

  static SandboxUser pickOtherThan(SandboxUser other) {
    SandboxUser picked = pick();
    return picked.equals(other) ? pickOtherThan(other) : picked;
  }
}
