package io.nex.agent.workload;

import io.nex.agent.function.CallTrace;
import io.nex.agent.function.FunctionRunner;
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
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Triggers over a Unix socket in the working directory (ours, see
 * {@code AgentDeployRequest.triggerSocket}). The agent listens before it acknowledges the deploy;
 * the first connection is the node's, and the socket file goes away once it is taken, so nothing
 * else connects. When the node stops sending, the calls in flight finish and the socket closes.
 * The agent of one workload has one such socket; a function host has one for all its functions,
 * each call naming its function ({@link TriggerTargets}).
 *
 * <p>Two threads take turns at reading. A call read while more are already buffered goes to the
 * function's workers, which start it while reading goes on. The last call of a burst (a lone
 * trigger, typically) is run by the thread that read it: it wakes the other to read on meanwhile,
 * so the call does not wait for a worker to wake up. If the other is busy running a call of its
 * own, the reader hands calls to the workers. Whoever finishes a call writes its result.
 */
final class SocketTriggers implements TriggerSource {
  private final ServerSocketChannel listener;
  private final Path socketFile;
  private final TriggerTargets targets;
  private final Consumer<String> log;
  // the reading turn: released by the reader to the one thread waiting for it
  private final Semaphore turn = new Semaphore(0);
  private final AtomicBoolean waitingForTurn = new AtomicBoolean();
  private volatile boolean ended;
  private volatile FrameChannel frames;
  private volatile boolean closed;

  private SocketTriggers(ServerSocketChannel listener, Path socketFile, TriggerTargets targets, Consumer<String> log) {
    this.listener = listener;
    this.socketFile = socketFile;
    this.targets = targets;
    this.log = log;
    FunctionRunner.callerThread("trigger-socket", () -> takeTurns(true)).start();
    FunctionRunner.callerThread("trigger-socket-2", () -> takeTurns(false)).start();
  }

  /** Listens at {@code socketFile}; {@code log} hears why the socket ended, if not cleanly. */
  static SocketTriggers listen(Path socketFile, TriggerTargets targets, Consumer<String> log) throws IOException {
    ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      listener.bind(UnixDomainSocketAddress.of(socketFile), 1);
    } catch (IOException e) {
      listener.close();
      throw e;
    }
    return new SocketTriggers(listener, socketFile, targets, log);
  }

  /** Both threads: the first accepts the node's connection and has the first turn. */
  private void takeTurns(boolean first) {
    try {
      if (first) {
        accept();
      }
      boolean myTurn = first;
      while (true) {
        if (!myTurn) {
          waitingForTurn.set(true);
          turn.acquireUninterruptibly();
          if (ended) {
            return;
          }
        }
        myTurn = false;
        if (!readUntilHandOver()) {
          end();
          targets.awaitIdle(); // the calls in flight still answer
          close();
          return;
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      failed(e);
      close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
    }
  }

  private void accept() throws IOException {
    SocketChannel channel;
    try {
      channel = listener.accept();
    } finally {
      listener.close();
      Files.deleteIfExists(socketFile);
    }
    frames = new FrameChannel(channel);
  }

  /**
   * Reads calls and starts them while this thread has the turn. Returns true once it has passed
   * the turn on and run a call itself, false at the end of the node's calls.
   */
  private boolean readUntilHandOver() throws IOException {
    for (ByteBuffer frame = frames.next(); frame != null; frame = frames.next()) {
      TriggerCall call = TriggerCall.decode(frame);
      FunctionHost host = targets.find(call.function());
      if (host == null) {
        send(TriggerResult.failed(call.id(), "function " + call.function() + " is not deployed here"));
        continue;
      }
      CallTrace trace = call.traceparent() == null ? null : CallTrace.of(call.traceparent(), call.subject());
      if (!frames.hasBuffered() && waitingForTurn.compareAndSet(true, false)) {
        turn.release();
        host.runHere(call.subject(), call.payload(), trace, outcomeOf(call, trace));
        return true;
      }
      host.run(call.subject(), call.payload(), trace, outcomeOf(call, trace));
    }
    return false;
  }

  private FunctionHost.Outcome outcomeOf(TriggerCall call, CallTrace trace) {
    return (output, runtimeNanos, error) -> {
      TriggerResult result = error == null
          ? TriggerResult.succeeded(call.id(), runtimeNanos, output) : TriggerResult.failed(call.id(), error);
      send(trace == null ? result : result.withSpans(trace.finish(error)));
    };
  }

  private void failed(Exception e) {
    if (!closed) {
      log.accept("trigger socket failed: " + e.getMessage());
    }
  }

  /** No more reading: lets the thread waiting for the turn go; one running a call ends after it. */
  private void end() {
    ended = true;
    turn.release();
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
    end();
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
