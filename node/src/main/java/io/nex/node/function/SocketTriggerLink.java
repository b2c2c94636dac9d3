package io.nex.node.function;

import io.nex.api.agent.FrameChannel;
import io.nex.api.agent.TriggerCall;
import io.nex.api.agent.TriggerResult;
import io.nex.node.internal.PendingReplies;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Triggers over the Unix socket the agent listens on in its working directory (ours, see
 * {@code AgentDeployRequest.triggerSocket}): calls are written by the thread that received the
 * triggers, one write per burst ({@link #callLater}, {@link #flush}), and one reader thread
 * completes them as results come back. Compared with the
 * internal server it saves a nats-server hop and two NATS messages each way. A function host's
 * agent takes the triggers of all its functions on one such socket, each call naming its function.
 */
final class SocketTriggerLink implements TriggerLink {
  private static final Logger LOG = LoggerFactory.getLogger(SocketTriggerLink.class);

  private final String sandboxId;
  private final FrameChannel frames;
  private final Duration timeout;
  private final AtomicLong ids = new AtomicLong();
  private volatile boolean gone;
  private final PendingReplies<Long, TriggerResult> pending = new PendingReplies<>("no reply from the agent in time");
  private final Runnable ended;

  private SocketTriggerLink(String sandboxId, SocketChannel channel, Duration timeout, Runnable ended) {
    this.sandboxId = sandboxId;
    this.frames = new FrameChannel(channel);
    this.timeout = timeout;
    this.ended = ended;
    Thread reader = new Thread(this::readResults, "trigger-results-" + sandboxId);
    reader.setDaemon(true);
    reader.start();
  }

  /** {@code ended} runs once the socket has ended (the agent went away, or {@link #close}), on the reader. */
  static SocketTriggerLink connect(String sandboxId, Path socket, Duration timeout, Runnable ended) throws IOException {
    return new SocketTriggerLink(sandboxId, UnixSockets.connect(socket), timeout, ended);
  }

  @Override
  public CompletableFuture<TriggerResult> call(String function, String subject, byte[] payload, String traceparent) {
    CompletableFuture<TriggerResult> result = callLater(function, subject, payload, traceparent);
    flush();
    return result;
  }

  @Override
  public CompletableFuture<TriggerResult> callLater(String function, String subject, byte[] payload,
      String traceparent) {
    long id = ids.incrementAndGet();
    CompletableFuture<TriggerResult> result = pending.expect(id, timeout);
    frames.enqueue(new TriggerCall(id, function, subject, traceparent, payload).encode());
    if (gone) {
      // the reader has failed what was pending before this call was registered
      pending.fail(id, new IOException("the agent's trigger socket is closed"));
    }
    return result;
  }

  @Override
  public void flush() {
    try {
      frames.flush();
    } catch (IOException e) {
      // the socket is gone: closing it ends the reader, which fails every call still pending
      frames.close();
    }
  }

  private void readResults() {
    try {
      for (ByteBuffer frame = frames.next(); frame != null; frame = frames.next()) {
        TriggerResult result = TriggerResult.decode(frame);
        pending.complete(result.id(), result);
      }
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("Trigger socket of sandbox {} failed: {}", sandboxId, e.getMessage());
    } finally {
      gone = true;
      pending.failAll(new IOException("the agent closed its trigger socket"));
      pending.close();
      frames.close();
      ended.run();
    }
  }

  @Override
  public void close() {
    try {
      frames.finishWriting();
    } catch (IOException e) {
      // already closed: the reader has failed what was pending
    }
  }
}
