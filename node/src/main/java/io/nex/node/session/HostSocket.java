package io.nex.node.session;

import io.nex.api.agent.FunctionChange;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A function host's trigger socket as the second way to its agent (ours): once the node holds it,
 * the session sends the host's adds and removes there ({@link FunctionChange}), in order with the
 * triggers and without the internal server's two hops and their thread wake-ups.
 */
public interface HostSocket {
  /**
   * Sends {@code body} (the change's JSON); completes with the agent's answer (a {@code DeployAck}
   * as JSON), or fails with the reason the socket could not carry it (closed, ended, or no answer
   * within {@code timeout}: a TimeoutException).
   */
  CompletableFuture<byte[]> change(FunctionChange.Kind kind, byte[] body, Duration timeout);
}
