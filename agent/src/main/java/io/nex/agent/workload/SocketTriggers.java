package io.nex.agent.workload;

import io.nex.agent.function.CallTrace;
import io.nex.agent.function.FunctionRunner;
import io.nex.api.Json;
import io.nex.api.agent.DeployAck;
import io.nex.api.agent.FrameChannel;
import io.nex.api.agent.FunctionChange;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Triggers over a Unix socket in the working directory (ours, see
 * {@code AgentDeployRequest.triggerSocket}). The agent listens before it acknowledges the deploy;
 * the first connection is the node's, and the socket file goes away once it is taken, so nothing
 * else connects. When the node stops sending, the calls in flight finish and the socket closes.
 * The agent of one workload has one such socket; a function host has one for all its functions,
 * each call naming its function ({@link TriggerTargets}), and takes the host's later adds and
 * removes on it too ({@link FunctionChange}), run one at a time on a thread of their own.
 *
 * <p>The thread that holds the {@link ReadingTurn} reads calls and runs each short one itself (a
 * function whose last run was short, see {@link FunctionHost#runsShort}), queueing its result;
 * the results of a burst go back in one write once nothing more is buffered. A function whose
 * last run was long runs on the function workers instead, and one that turns slow under the
 * reader loses it the turn after {@link ReadingTurn#HAND_OVER_NANOS}: neighbours' triggers never
 * wait longer than that behind it. Results finished elsewhere (workers, time limits) are written
 * at once.
 */
final class SocketTriggers implements TriggerSource {
  private final ServerSocketChannel listener;
  private final Path socketFile;
  private final TriggerTargets targets;
  private final Consumer<String> log;
  private final ReadingTurn turn;
  private volatile FrameChannel frames;
  private volatile boolean closed;
  private final ExecutorService changes = Executors.newSingleThreadExecutor(
      task -> FunctionRunner.callerThread("function-changes", task));

  private SocketTriggers(ServerSocketChannel listener, Path socketFile, TriggerTargets targets, Consumer<String> log,
      long handOverNanos) {
    this.turn = new ReadingTurn(this::startStandby, handOverNanos);
    this.listener = listener;
    this.socketFile = socketFile;
    this.targets = targets;
    this.log = log;
    FunctionRunner.callerThread("trigger-socket", this::acceptAndRead).start();
    startStandby();
  }

  private void startStandby() {
    FunctionRunner.callerThread("trigger-socket", this::standBy).start();
  }

  /** Listens at {@code socketFile}; {@code log} hears why the socket ended, if not cleanly. */
  static SocketTriggers listen(Path socketFile, TriggerTargets targets, Consumer<String> log) throws IOException {
    return listen(socketFile, targets, log, ReadingTurn.HAND_OVER_NANOS);
  }

  /** As above, with a call's time on the reader before it loses the turn other than the usual (tests). */
  static SocketTriggers listen(Path socketFile, TriggerTargets targets, Consumer<String> log, long handOverNanos)
      throws IOException {
    ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      listener.bind(UnixDomainSocketAddress.of(socketFile), 1);
    } catch (IOException e) {
      listener.close();
      throw e;
    }
    return new SocketTriggers(listener, socketFile, targets, log, handOverNanos);
  }

  private void acceptAndRead() {
    try {
      accept();
    } catch (IOException e) {
      failed(e);
      close();
      return;
    }
    turn.take();
    read();
  }

  private void standBy() {
    if (turn.awaitTurn()) {
      read();
    }
  }

  /** Reads and runs calls while this thread holds the turn; at the end of the node's calls, closes. */
  private void read() {
    try {
      if (readWhileHeld()) {
        return;
      }
      turn.close();
      targets.awaitIdle(); // the calls in flight still answer
      close();
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
   * Reads calls and runs or starts them. Returns true when this thread has lost the turn (the
   * standby reads on), false at the end of the node's calls.
   */
  private boolean readWhileHeld() throws IOException {
    for (ByteBuffer frame = frames.next(); frame != null; frame = frames.next()) {
      if (!handle(frame)) {
        return true;
      }
    }
    return false;
  }

  /**
   * One frame: a change, or a call run here or started. False when this thread has lost the turn.
   * A method of its own so that the JIT compiles it once calls come: the loop around it is entered
   * once per reader thread and runs interpreted until an on-stack replacement, which two of the
   * four hosts of a density run never made (docs/benchmarks.md).
   */
  private boolean handle(ByteBuffer frame) throws IOException {
    if (FunctionChange.isChange(frame)) {
      change(FunctionChange.decode(frame));
      return true;
    }
    TriggerCall call = TriggerCall.decode(frame);
    FunctionHost host = targets.find(call.function());
    CallTrace trace = call.traceparent() == null || host == null ? null : CallTrace.of(call.traceparent(), call.subject());
    if (host == null) {
      frames.enqueue(TriggerResult.failed(call.id(), "function " + call.function() + " is not deployed here").encode());
    } else if (host.runsShort()) {
      long number = turn.begin(host);
      if (number == 0) {
        return false; // closed meanwhile
      }
      host.runHere(call.subject(), call.payload(), trace, outcomeOf(call, trace, host, number));
      if (!turn.end(number)) {
        flush(); // what this thread queued, now that it reads no more
        return false;
      }
    } else {
      host.run(call.subject(), call.payload(), trace, outcomeOf(call, trace, host, 0));
    }
    if (!frames.hasBuffered()) {
      flush();
    }
    return true;
  }

  /**
   * Adds or removes a function on the one thread changes run on, never on the reader: an add may
   * compile for a while, and the host's other functions' triggers go on meanwhile.
   */
  private void change(FunctionChange change) {
    Consumer<DeployAck> answer = ack -> send(TriggerResult.succeeded(change.id(), 0, Json.write(ack)).encode());
    try {
      changes.execute(() -> {
        if (change.kind() == FunctionChange.Kind.ADD) {
          targets.add(change.body(), answer);
        } else {
          targets.remove(change.body(), answer);
        }
      });
    } catch (RejectedExecutionException e) {
      answer.accept(new DeployAck(false, "the agent is stopping"));
    }
  }

  /** {@code number}: the reader's call number of a call it runs itself, 0 for one started on a worker. */
  private FunctionHost.Outcome outcomeOf(TriggerCall call, CallTrace trace, FunctionHost host, long number) {
    return (output, runtimeNanos, error) -> {
      if (number != 0 && turn.lost(number)) {
        host.ranLong(); // its second on workers counts from the end of this run, which is now
      }
      TriggerResult result = error == null
          ? TriggerResult.succeeded(call.id(), runtimeNanos, output) : TriggerResult.failed(call.id(), error);
      ByteBuffer frame = (trace == null ? result : result.withSpans(trace.finish(error))).encode();
      if (turn.held()) {
        frames.enqueue(frame); // written with the rest of the burst, before the holder reads again
      } else {
        send(frame);
      }
    };
  }

  private void failed(Exception e) {
    if (!closed) {
      log.accept("trigger socket failed: " + e.getMessage());
    }
  }

  private void send(ByteBuffer frame) {
    frames.enqueue(frame);
    flush();
  }

  private void flush() {
    try {
      frames.flush();
    } catch (IOException e) {
      // the node is gone or stopped listening: it fails the calls it still waits for itself
    }
  }

  @Override
  public void close() {
    closed = true;
    turn.close();
    changes.shutdown();
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
