package io.nex.agent.workload;

import io.nex.agent.function.CallTrace;
import io.nex.api.agent.FrameChannel;
import io.nex.api.agent.TriggerCall;
import io.nex.api.agent.TriggerResult;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Triggers over a Unix socket in the working directory (ours, see
 * {@code AgentDeployRequest.triggerSocket}). The agent listens before it acknowledges the deploy;
 * the first connection is the node's, and the socket file goes away once it is taken, so nothing
 * else connects. One thread reads calls and starts them; the worker that finishes a call writes
 * its result. When the node stops sending, the calls in flight finish and the socket closes.
 */
final class SocketTriggers implements TriggerSource {
  private final ServerSocketChannel listener;
  private final Path socketFile;
  private final FunctionHost host;
  private final Consumer<String> log;
  private volatile FrameChannel frames;
  private volatile boolean closed;

  private SocketTriggers(ServerSocketChannel listener, Path socketFile, FunctionHost host, Consumer<String> log) {
    this.listener = listener;
    this.socketFile = socketFile;
    this.host = host;
    this.log = log;
    Thread thread = new Thread(this::serve, "trigger-socket");
    thread.setDaemon(true);
    thread.start();
  }

  /** Listens at {@code socketFile}; {@code log} hears why the socket ended, if not cleanly. */
  static SocketTriggers listen(Path socketFile, FunctionHost host, Consumer<String> log) throws IOException {
    ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      listener.bind(UnixDomainSocketAddress.of(socketFile), 1);
    } catch (IOException e) {
      listener.close();
      throw e;
    }
    return new SocketTriggers(listener, socketFile, host, log);
  }

  private void serve() {
    try {
      SocketChannel channel;
      try {
        channel = listener.accept();
      } finally {
        listener.close();
        Files.deleteIfExists(socketFile);
      }
      frames = new FrameChannel(channel);
      for (ByteBuffer frame = frames.next(); frame != null; frame = frames.next()) {
        TriggerCall call = TriggerCall.decode(frame);
        CallTrace trace = call.traceparent() == null ? null : CallTrace.of(call.traceparent(), call.subject());
        host.run(call.subject(), call.payload(), trace, (output, runtimeNanos, error) -> {
          TriggerResult result = error == null
              ? TriggerResult.succeeded(call.id(), runtimeNanos, output) : TriggerResult.failed(call.id(), error);
          send(trace == null ? result : result.withSpans(trace.finish(error)));
        });
      }
      host.awaitIdle();
    } catch (IOException | IllegalArgumentException e) {
      if (!closed) {
        log.accept("trigger socket failed: " + e.getMessage());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      close();
    }
  }

  private void send(TriggerResult result) {
    try {
      frames.write(result.encode());
    } catch (IOException e) {
      // the node is gone or stopped listening: it fails the calls it still waits for itself
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing: nothing more to tell
    }
    FrameChannel open = frames;
    if (open != null) {
      open.close();
    }
  }
}
