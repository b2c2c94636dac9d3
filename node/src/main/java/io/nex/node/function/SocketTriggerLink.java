package io.nex.node.function;

import io.nex.api.agent.FunctionChange;
import io.nex.api.agent.TriggerCall;
import io.nex.api.agent.TriggerResult;
import io.nex.node.internal.PendingReplies;
import io.nex.node.session.HostSocket;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Triggers over the Unix socket the agent listens on in its working directory (ours, see
 * {@code AgentDeployRequest.triggerSocket}), read and written by the {@link TriggerLoop}: the
 * calls of a burst go out in one write at the end of the loop's turn, and results complete their
 * calls on the loop as they are read. Compared with the internal server it saves a nats-server
 * hop and two NATS messages each way. A function host's agent takes the triggers of all its
 * functions on one such socket, each call naming its function, and its adds and removes after the
 * first ({@link HostSocket}), which share the calls' numbering and their results' frame.
 */
final class SocketTriggerLink implements TriggerLink, TriggerLoop.Party, HostSocket {
  private static final Logger LOG = LoggerFactory.getLogger(SocketTriggerLink.class);

  private final String sandboxId;
  private final TriggerLoop loop;
  private final NonBlockingFrames frames;
  private final Duration timeout;
  private final PendingReplies<Long, TriggerResult> pending = new PendingReplies<>("no reply from the agent in time");
  private final Runnable ended;
  // the loop's alone
  private long ids;
  private boolean gone;
  private boolean finishing;

  private SocketTriggerLink(String sandboxId, TriggerLoop loop, SocketChannel channel, Duration timeout,
      Runnable ended) throws IOException {
    this.sandboxId = sandboxId;
    this.loop = loop;
    this.frames = new NonBlockingFrames(channel);
    this.timeout = timeout;
    this.ended = ended;
  }

  /**
   * Connects to the agent's socket and has the loop read it. {@code ended} runs once the socket
   * has ended (the agent went away, or {@link #close}), on the loop: it must not block.
   */
  static SocketTriggerLink connect(String sandboxId, Path socket, TriggerLoop loop, Duration timeout, Runnable ended)
      throws IOException {
    SocketChannel channel = UnixSockets.connect(socket);
    try {
      SocketTriggerLink link = new SocketTriggerLink(sandboxId, loop, channel, timeout, ended);
      loop.call(() -> {
        loop.register(link);
        return link;
      });
      return link;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public SocketChannel channel() {
    return frames.channel();
  }

  /** On the loop: the call goes out with the rest of the loop's turn. */
  @Override
  public CompletableFuture<TriggerResult> call(String function, String subject, byte[] payload, String traceparent) {
    long id = ++ids;
    CompletableFuture<TriggerResult> result = pending.expect(id, timeout);
    if (gone || finishing) {
      pending.fail(id, new IOException("the agent's trigger socket is closed"));
      return result;
    }
    frames.enqueue(new TriggerCall(id, function, subject, traceparent, payload).encode());
    loop.flushLater(this);
    return result;
  }

  /** From any thread: goes out at the loop's next turn. */
  @Override
  public CompletableFuture<byte[]> change(FunctionChange.Kind kind, byte[] body, Duration changeTimeout) {
    CompletableFuture<byte[]> answer = new CompletableFuture<>();
    loop.execute(() -> {
      long id = ++ids;
      pending.expect(id, changeTimeout).whenComplete((result, failure) -> {
        if (failure != null) {
          answer.completeExceptionally(failure);
        } else if (result.isFailure()) {
          answer.completeExceptionally(new IOException(result.error()));
        } else {
          answer.complete(result.output());
        }
      });
      if (gone || finishing) {
        // it never went out: the session sends it the other way
        pending.fail(id, new ClosedChannelException());
        return;
      }
      frames.enqueue(new FunctionChange(id, kind, body).encode());
      loop.flushLater(this);
    });
    return answer;
  }

  @Override
  public boolean readable() throws IOException {
    try {
      return frames.read(frame -> {
        TriggerResult result = TriggerResult.decode(frame);
        pending.complete(result.id(), result);
      });
    } catch (IllegalArgumentException e) {
      // an agent that speaks garbage is ended like one that went away
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public boolean flush() throws IOException {
    boolean all = frames.flush();
    if (all && finishing) {
      frames.channel().shutdownOutput();
    }
    return all;
  }

  @Override
  public void ended(IOException cause) {
    if (cause != null) {
      LOG.warn("Trigger socket of sandbox {} failed: {}", sandboxId, cause.getMessage());
    }
    gone = true;
    pending.failAll(new IOException("the agent closed its trigger socket"));
    pending.close();
    frames.close();
    ended.run();
  }

  /** Sends no more once what is queued has gone; results of calls already sent still arrive. */
  @Override
  public void close() {
    loop.execute(() -> {
      if (gone || finishing) {
        return;
      }
      finishing = true;
      loop.flushLater(this);
    });
  }
}
