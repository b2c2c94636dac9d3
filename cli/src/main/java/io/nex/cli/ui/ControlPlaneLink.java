package io.nex.cli.ui;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nex.api.Json;
import io.nex.cli.ControlPlaneClient;
import io.nex.cli.GlobalOptions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The web view's control-plane connection, retried forever from the first attempt on: a page
 * opened while NATS is down or the URL is wrong shows why in its banner, and recovers by itself.
 */
final class ControlPlaneLink implements AutoCloseable {
  private final String server;
  private final Hub hub;
  private final List<Runnable> onReconnect = new CopyOnWriteArrayList<>();
  private final CompletableFuture<ControlPlaneClient> first;
  private volatile boolean connected;
  private volatile boolean everConnected;
  private volatile String lastError;

  private ControlPlaneLink(GlobalOptions global, Hub hub) {
    this.server = global.server;
    this.hub = hub;
    publish();
    this.first = ControlPlaneClient.connectLasting(global, this::changed, new ErrorListener() {
      @Override
      public void exceptionOccurred(Connection conn, Exception exp) {
        lastError = Json.firstLine(exp.getMessage() != null ? exp.getMessage() : exp.getClass().getSimpleName());
        if (!connected) {
          publish();
        }
      }
    });
  }

  static ControlPlaneLink open(GlobalOptions global, Hub hub) {
    return new ControlPlaneLink(global, hub);
  }

  /** Runs {@code use} once the first connect succeeds (on jnats's thread: keep it short). */
  void whenConnected(Consumer<ControlPlaneClient> use) {
    first.thenAccept(use);
  }

  /** Runs {@code task} each time the connection comes back. */
  void onReconnect(Runnable task) {
    onReconnect.add(task);
  }

  /** The client while connected; empty while the control plane is unreachable. */
  Optional<ControlPlaneClient> client() {
    return connected ? Optional.ofNullable(first.getNow(null)) : Optional.empty();
  }

  private void changed(Connection connection, ConnectionListener.Events event) {
    switch (event) {
      case CONNECTED, RECONNECTED, RESUBSCRIBED -> {
        boolean was = connected;
        connected = true;
        everConnected = true;
        lastError = null;
        publish();
        if (!was && event != ConnectionListener.Events.CONNECTED) {
          onReconnect.forEach(Runnable::run);
        }
      }
      case DISCONNECTED, CLOSED -> {
        connected = false;
        publish();
      }
      default -> { }
    }
  }

  private void publish() {
    String message;
    if (connected) {
      message = "connected";
    } else if (lastError != null) {
      message = "cannot reach the control plane at " + server + ": " + lastError + "; retrying";
    } else {
      message = everConnected ? "lost the control plane at " + server + "; reconnecting" : "connecting to " + server;
    }
    hub.state("link", new LinkStatus(server, connected, message));
  }

  @Override
  public void close() {
    first.thenAccept(ControlPlaneClient::close);
    first.cancel(false);
  }
}
