package io.nex.api.agent;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frames and trigger records over a real Unix socket pair. */
class FrameChannelTest {
  @TempDir Path dir;
  private SocketChannel nodeEnd;
  private SocketChannel agentEnd;

  @BeforeEach
  void connect() throws IOException {
    try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      listener.bind(UnixDomainSocketAddress.of(dir.resolve("t.sock")));
      nodeEnd = SocketChannel.open(listener.getLocalAddress());
      agentEnd = listener.accept();
    }
  }

  @AfterEach
  void close() throws IOException {
    nodeEnd.close();
    agentEnd.close();
  }

  @Test
  void manyCallsAndResultsMakeTheRoundTrip() throws Exception {
    FrameChannel node = new FrameChannel(nodeEnd);
    FrameChannel agent = new FrameChannel(agentEnd);
    int calls = 5_000;
    // the agent echoes each call's payload back as its output, failing every tenth
    CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> {
      try {
        for (ByteBuffer frame = agent.next(); frame != null; frame = agent.next()) {
          TriggerCall call = TriggerCall.decode(frame);
          agent.write((call.id() % 10 == 0 ? TriggerResult.failed(call.id(), "no " + call.subject())
              : TriggerResult.succeeded(call.id(), call.id() * 3, call.payload())).encode());
        }
        agent.finishWriting();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    CompletableFuture<Void> send = CompletableFuture.runAsync(() -> {
      try {
        for (long id = 1; id <= calls; id++) {
          node.write(new TriggerCall(id, "orders.é." + id, payload(id)).encode());
        }
        node.finishWriting();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });

    long expected = 1;
    for (ByteBuffer frame = node.next(); frame != null; frame = node.next(), expected++) {
      TriggerResult result = TriggerResult.decode(frame);
      assertThat(result.id()).isEqualTo(expected);
      if (expected % 10 == 0) {
        assertThat(result.isFailure()).isTrue();
        assertThat(result.error()).isEqualTo("no orders.é." + expected);
        assertThat(result.output()).isEmpty();
      } else {
        assertThat(result.isFailure()).isFalse();
        assertThat(result.runtimeNanos()).isEqualTo(expected * 3);
        assertThat(result.output()).isEqualTo(payload(expected));
      }
    }
    assertThat(expected - 1).isEqualTo(calls);
    send.get(10, TimeUnit.SECONDS);
    echo.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aFrameLargerThanTheReadBufferArrivesWhole() throws Exception {
    FrameChannel node = new FrameChannel(nodeEnd);
    FrameChannel agent = new FrameChannel(agentEnd);
    byte[] big = new byte[1 << 20];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31 + i / 7);
    }
    CompletableFuture<Void> send = CompletableFuture.runAsync(() -> {
      try {
        node.write(new TriggerCall(1, "small", "before".getBytes(UTF_8)).encode());
        node.write(new TriggerCall(2, "big", big).encode());
        node.write(new TriggerCall(3, "small", "after".getBytes(UTF_8)).encode());
        node.write(ByteBuffer.allocate(0));
        node.finishWriting();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });

    assertThat(TriggerCall.decode(agent.next()).payload()).asString(UTF_8).isEqualTo("before");
    TriggerCall large = TriggerCall.decode(agent.next());
    assertThat(large.id()).isEqualTo(2);
    assertThat(Arrays.equals(large.payload(), big)).as("1 MiB payload intact").isTrue();
    assertThat(TriggerCall.decode(agent.next()).payload()).asString(UTF_8).isEqualTo("after");
    assertThat(agent.next().remaining()).as("an empty frame").isZero();
    assertThat(agent.next()).isNull();
    send.get(10, TimeUnit.SECONDS);
  }

  @Test
  void concurrentWritersNeverInterleaveFrames() throws Exception {
    FrameChannel node = new FrameChannel(nodeEnd);
    FrameChannel agent = new FrameChannel(agentEnd);
    int threads = 8;
    int perThread = 2_000;
    ExecutorService writers = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long first = (long) t * perThread;
        done.add(writers.submit(() -> {
          go.await();
          for (long id = first; id < first + perThread; id++) {
            agent.write(TriggerResult.succeeded(id, id, payload(id)).encode());
          }
          return null;
        }));
      }
      CompletableFuture<Void> finish = CompletableFuture.runAsync(() -> {
        try {
          for (Future<?> writer : done) {
            writer.get();
          }
          agent.finishWriting();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      go.countDown();

      BitSet seen = new BitSet(threads * perThread);
      int frames = 0;
      for (ByteBuffer frame = node.next(); frame != null; frame = node.next()) {
        TriggerResult result = TriggerResult.decode(frame);
        int id = (int) result.id();
        assertThat(result.runtimeNanos()).isEqualTo(id);
        assertThat(result.output()).isEqualTo(payload(id));
        assertThat(seen.get(id)).as("id %d arrived twice", id).isFalse();
        seen.set(id);
        frames++;
      }
      assertThat(frames).isEqualTo(threads * perThread);
      assertThat(seen.cardinality()).isEqualTo(threads * perThread);
      finish.get(10, TimeUnit.SECONDS);
    } finally {
      writers.shutdownNow();
    }
  }

  @Test
  void aLengthBeyondTheLimitIsRefused() throws Exception {
    nodeEnd.write(ByteBuffer.allocate(Integer.BYTES).putInt(0, FrameChannel.MAX_FRAME_BYTES + 1));
    assertThatThrownBy(() -> new FrameChannel(agentEnd).next())
        .isInstanceOf(IOException.class).isNotInstanceOf(EOFException.class)
        .hasMessageContaining("out of bounds");
  }

  @Test
  void aNegativeLengthIsRefused() throws Exception {
    nodeEnd.write(ByteBuffer.allocate(Integer.BYTES).putInt(0, -1));
    assertThatThrownBy(() -> new FrameChannel(agentEnd).next())
        .isInstanceOf(IOException.class).hasMessageContaining("out of bounds");
  }

  @Test
  void thePeerClosingInsideAFrameIsAnError() throws Exception {
    nodeEnd.write(ByteBuffer.allocate(Integer.BYTES + 3).putInt(100).put(new byte[3]).flip());
    nodeEnd.close();
    assertThatThrownBy(() -> new FrameChannel(agentEnd).next()).isInstanceOf(EOFException.class);
  }

  @Test
  void thePeerClosingInsideALengthIsAnError() throws Exception {
    FrameChannel agent = new FrameChannel(agentEnd);
    nodeEnd.write(ByteBuffer.allocate(Integer.BYTES + 3).putInt(2).put(new byte[] {7, 8, 0}).flip());
    nodeEnd.close();
    assertThat(agent.next().remaining()).isEqualTo(2);
    assertThatThrownBy(agent::next).isInstanceOf(EOFException.class);
  }

  @Test
  void thePeerClosingBetweenFramesEndsTheStream() throws Exception {
    FrameChannel node = new FrameChannel(nodeEnd);
    FrameChannel agent = new FrameChannel(agentEnd);
    node.write(new TriggerCall(9, "s", new byte[] {1}).encode());
    node.close();
    assertThat(TriggerCall.decode(agent.next()).id()).isEqualTo(9);
    assertThat(agent.next()).isNull();
  }

  @Test
  void afterFinishingWritingASideStillReadsTheAnswers() throws Exception {
    FrameChannel node = new FrameChannel(nodeEnd);
    FrameChannel agent = new FrameChannel(agentEnd);
    node.write(new TriggerCall(1, "a", new byte[0]).encode());
    node.write(new TriggerCall(2, "b", new byte[0]).encode());
    node.finishWriting();

    List<TriggerCall> calls = new ArrayList<>();
    for (ByteBuffer frame = agent.next(); frame != null; frame = agent.next()) {
      calls.add(TriggerCall.decode(frame));
    }
    assertThat(calls).extracting(TriggerCall::id).containsExactly(1L, 2L);
    // the calls have ended, their answers go back on the same socket
    for (TriggerCall call : calls) {
      agent.write(TriggerResult.succeeded(call.id(), 5, call.subject().getBytes(UTF_8)).encode());
    }
    agent.finishWriting();

    assertThat(new String(TriggerResult.decode(node.next()).output(), UTF_8)).isEqualTo("a");
    assertThat(new String(TriggerResult.decode(node.next()).output(), UTF_8)).isEqualTo("b");
    assertThat(node.next()).isNull();
  }

  @Test
  void malformedCallsAreRefused() {
    assertThatThrownBy(() -> TriggerCall.decode(ByteBuffer.wrap(new byte[5])))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("malformed trigger call frame");
    // a subject longer than the frame
    ByteBuffer subjectTooLong = ByteBuffer.allocate(Long.BYTES + 1 + Short.BYTES + 2).putLong(1).put((byte) 0)
        .putShort((short) 40).put(new byte[] {'a', 'b'}).flip();
    assertThatThrownBy(() -> TriggerCall.decode(subjectTooLong))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("malformed trigger call frame");
  }

  @Test
  void malformedResultsAreRefused() {
    assertThatThrownBy(() -> TriggerResult.decode(ByteBuffer.wrap(new byte[Long.BYTES + 1 + 3])))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("malformed trigger result frame");
    assertThatThrownBy(() -> TriggerResult.decode(ByteBuffer.allocate(0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("malformed trigger result frame");
  }

  @Test
  void recordsSurviveEncoding() {
    TriggerCall call = TriggerCall.decode(new TriggerCall(Long.MAX_VALUE, "", new byte[0]).encode());
    assertThat(call.id()).isEqualTo(Long.MAX_VALUE);
    assertThat(call.subject()).isEmpty();
    assertThat(call.payload()).isEmpty();
    assertThat(call.function()).as("the call of an agent with one workload names none").isNull();
    TriggerCall hosted = TriggerCall.decode(new TriggerCall(2, "Nfunction7", "orders", null, new byte[] {9}).encode());
    assertThat(hosted.function()).isEqualTo("Nfunction7");
    assertThat(hosted.subject()).isEqualTo("orders");
    assertThat(hosted.payload()).containsExactly(9);
    TriggerResult result = TriggerResult.decode(TriggerResult.succeeded(-1, 42, null).encode());
    assertThat(result.isFailure()).isFalse();
    assertThat(result.output()).isEmpty();
    assertThat(result.runtimeNanos()).isEqualTo(42);
    TriggerResult failed = TriggerResult.decode(TriggerResult.failed(3, "").encode());
    assertThat(failed.isFailure()).as("an empty error is still a failure").isTrue();
    assertThat(failed.error()).isEmpty();
  }

  /** A payload whose length and bytes depend on {@code id}, so a torn frame cannot pass. */
  private static byte[] payload(long id) {
    byte[] bytes = new byte[(int) (id % 97) * 13];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (id + i);
    }
    return bytes;
  }
}
