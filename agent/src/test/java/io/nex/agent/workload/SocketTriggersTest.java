package io.nex.agent.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.nex.agent.function.FunctionRunner;
import io.nex.agent.function.HostWaits;
import io.nex.api.Json;
import io.nex.api.agent.DeployAck;
import io.nex.api.agent.FrameChannel;
import io.nex.api.agent.FunctionChange;
import io.nex.api.agent.TriggerCall;
import io.nex.api.agent.TriggerResult;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's end of a trigger socket, over a real Unix socket, with functions that echo or, for
 * the payload {@code slow}, sleep first: short calls run on the reading thread, a slow one loses
 * it the turn so that its neighbours answer meanwhile, and it then runs on workers, as does one
 * that waited on a host service.
 */
class SocketTriggersTest {
  private static final long SLOW_MILLIS = 2000;

  @TempDir
  Path dir;
  private final Map<String, FunctionHost> functions = new HashMap<>();
  private final Map<String, List<String>> threads = new HashMap<>();
  private final List<String> changedOn = new CopyOnWriteArrayList<>();
  private SocketTriggers triggers;
  private FrameChannel node;

  /**
   * A function that answers with its payload: after {@link #SLOW_MILLIS} if the payload is
   * "slow", after a (pretended) host-service call if it is "waits".
   */
  private final class Echo implements FunctionRunner {
    private final List<String> ranOn;

    Echo(String name) {
      ranOn = threads.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>());
    }

    @Override
    public CompletableFuture<byte[]> start(String triggerSubject, byte[] payload) {
      CompletableFuture<byte[]> result = new CompletableFuture<>();
      FunctionRunner.callerThread("worker", () -> result.complete(run(payload))).start();
      return result;
    }

    @Override
    public CompletableFuture<byte[]> runHere(String triggerSubject, byte[] payload) {
      return CompletableFuture.completedFuture(run(payload));
    }

    private byte[] run(byte[] payload) {
      ranOn.add(Thread.currentThread().getName());
      String text = new String(payload, StandardCharsets.UTF_8);
      if (text.equals("waits")) {
        HostWaits.waiting(); // as the host-service client says before it waits for the node
      }
      if (text.equals("slow")) {
        sleep(SLOW_MILLIS);
      }
      return payload;
    }

    @Override
    public void close() {}
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** With {@code handOverNanos} as the time a call may hold the reader. */
  private void connect(long handOverNanos) throws IOException {
    for (String name : List.of("sleepy", "quick")) {
      functions.put(name, new FunctionHost(new Echo(name)));
    }
    Path socket = dir.resolve("t.sock");
    triggers = SocketTriggers.listen(socket, new TriggerTargets() {
      @Override
      public FunctionHost find(String function) {
        return functions.get(function);
      }

      @Override
      public void awaitIdle() throws InterruptedException {
        for (FunctionHost host : functions.values()) {
          host.awaitIdle();
        }
      }

      /** Answers with the request's text as its message, after {@link #SLOW_MILLIS} if it is "slow". */
      @Override
      public void add(byte[] json, Consumer<DeployAck> answer) {
        String text = new String(json, StandardCharsets.UTF_8);
        changedOn.add(Thread.currentThread().getName());
        if (text.equals("slow")) {
          sleep(SLOW_MILLIS);
        }
        answer.accept(new DeployAck(true, "added " + text));
      }

      @Override
      public void remove(byte[] json, Consumer<DeployAck> answer) {
        changedOn.add(Thread.currentThread().getName());
        answer.accept(new DeployAck(true, "removed " + new String(json, StandardCharsets.UTF_8)));
      }
    }, reason -> { }, handOverNanos);
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    channel.connect(UnixDomainSocketAddress.of(socket));
    node = new FrameChannel(channel);
  }

  private void connect() throws IOException {
    connect(ReadingTurn.HAND_OVER_NANOS);
  }

  @AfterEach
  void close() {
    if (node != null) {
      node.close();
      triggers.close();
    }
  }

  private void call(long id, String function, String payload) throws IOException {
    node.write(new TriggerCall(id, function, "s", null, payload.getBytes(StandardCharsets.UTF_8)).encode());
  }

  private TriggerResult result() throws IOException {
    return TriggerResult.decode(node.next());
  }

  @Test
  void aBurstOfShortCallsIsRunByTheReaderAndAnsweredInFull() throws IOException {
    // on a loaded box the reader may lose the CPU for longer than the usual hand-over: the
    // standby would then rightly take over and send the function to workers for a second
    connect(TimeUnit.SECONDS.toNanos(60));
    for (long id = 1; id <= 500; id++) {
      node.enqueue(new TriggerCall(id, id % 2 == 0 ? "quick" : "sleepy", "s", null, ("p" + id).getBytes()).encode());
    }
    node.flush();
    Set<Long> answered = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      TriggerResult result = result();
      assertThat(result.error()).isNull();
      assertThat(new String(result.output(), StandardCharsets.UTF_8)).isEqualTo("p" + result.id());
      answered.add(result.id());
    }
    assertThat(answered).hasSize(500);
    assertThat(threads.get("quick")).allMatch("trigger-socket"::equals);
  }

  @Test
  void addsAndRemovesComeOnTheSocketInOrderOffTheReaderAndASlowAddHoldsNoTriggerBack() throws Exception {
    connect();
    node.write(new FunctionChange(1, FunctionChange.Kind.ADD, "slow".getBytes(StandardCharsets.UTF_8)).encode());
    node.write(new FunctionChange(2, FunctionChange.Kind.REMOVE, "f7".getBytes(StandardCharsets.UTF_8)).encode());
    Thread.sleep(50); // the add has begun
    long sent = System.nanoTime();
    call(3, "quick", "meanwhile");

    TriggerResult first = result();
    long callMillis = (System.nanoTime() - sent) / 1_000_000;
    assertThat(first.id()).isEqualTo(3);
    assertThat(callMillis).isLessThan(SLOW_MILLIS / 2);
    TriggerResult added = result();
    TriggerResult removed = result();
    assertThat(added.id()).isEqualTo(1);
    assertThat(Json.read(added.output(), DeployAck.class)).isEqualTo(new DeployAck(true, "added slow"));
    assertThat(removed.id()).isEqualTo(2);
    assertThat(Json.read(removed.output(), DeployAck.class)).isEqualTo(new DeployAck(true, "removed f7"));
    assertThat(changedOn).containsExactly("function-changes", "function-changes");
  }

  @Test
  void aSlowCallLosesTheReaderItsTurnAndItsNeighbourAnswersMeanwhile() throws Exception {
    connect();
    call(1, "sleepy", "slow");
    Thread.sleep(50); // the slow call has begun on the reader
    long sent = System.nanoTime();
    call(2, "quick", "neighbour");
    TriggerResult first = result();
    long neighbourMillis = (System.nanoTime() - sent) / 1_000_000;
    assertThat(first.id()).isEqualTo(2);
    assertThat(neighbourMillis).as("the neighbour's answer, ms after its call").isLessThan(SLOW_MILLIS / 2);
    assertThat(result().id()).isEqualTo(1);
    assertThat(functions.get("sleepy").runsShort()).as("sleepy runs on the reader").isFalse();

    call(3, "sleepy", "slow");
    Thread.sleep(50);
    call(4, "quick", "again");
    assertThat(result().id()).isEqualTo(4);
    assertThat(result().id()).isEqualTo(3);
    assertThat(threads.get("sleepy")).containsExactly("trigger-socket", "worker");
    assertThat(threads.get("quick")).containsOnly("trigger-socket");
  }

  @Test
  void callsToAFunctionNotHereAreRefusedAndTheNextStillRun() throws IOException {
    connect();
    call(1, "gone", "x");
    call(2, "quick", "y");
    assertThat(result().error()).isEqualTo("function gone is not deployed here");
    TriggerResult next = result();
    assertThat(next.id()).isEqualTo(2);
    assertThat(next.error()).isNull();
  }

  @Test
  void aFunctionThatWaitedOnAHostServiceRunsOnWorkers() throws IOException {
    connect();
    call(1, "sleepy", "waits");
    assertThat(result().id()).isEqualTo(1);
    assertThat(functions.get("sleepy").runsShort()).isFalse();
    call(2, "sleepy", "again");
    assertThat(result().id()).isEqualTo(2);
    assertThat(threads.get("sleepy")).containsExactly("trigger-socket", "worker");
  }

  @Test
  void theSocketFileIsGoneOnceTheNodeIsConnected() throws Exception {
    connect();
    long until = System.nanoTime() + 5_000_000_000L;
    while (Files.exists(dir.resolve("t.sock")) && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    assertThat(dir.resolve("t.sock")).doesNotExist();
  }
}
