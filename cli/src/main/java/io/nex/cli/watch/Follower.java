package io.nex.cli.watch;

import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nex.cli.CliException;
import io.nex.cli.ControlPlaneClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Follows subjects and hands each message to a printer until interrupted, or until {@code max}
 * messages have arrived (0 = forever), which scripts and tests use to stop.
 */
final class Follower {
  private Follower() {}

  static void follow(ControlPlaneClient client, List<String> subjects, int max, Consumer<Message> printer)
      throws InterruptedException {
    CountDownLatch done = new CountDownLatch(max > 0 ? max : 1);
    Dispatcher dispatcher = client.connection().createDispatcher(msg -> {
      synchronized (System.out) {
        printer.accept(msg);
        System.out.flush();
      }
      if (max > 0) {
        done.countDown();
      }
    });
    subjects.forEach(dispatcher::subscribe);
    try {
      client.connection().flush(Duration.ofSeconds(2)); // subscribed before we say we are
    } catch (TimeoutException e) {
      throw new CliException("the server did not confirm the subscriptions");
    }
    System.err.println("Following " + String.join(", ", subjects) + (max > 0 ? " for " + max + " messages" : "")
        + " (Ctrl-C to stop)");
    done.await();
  }
}
