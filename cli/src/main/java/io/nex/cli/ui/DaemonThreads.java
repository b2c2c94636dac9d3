package io.nex.cli.ui;

import java.util.concurrent.ThreadFactory;

/** The web view's threads never hold the JVM up: Ctrl-C's shutdown hook is what stops it. */
final class DaemonThreads {
  private DaemonThreads() {}

  static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
