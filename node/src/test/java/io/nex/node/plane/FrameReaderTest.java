package io.nex.node.plane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameReaderTest {
  private static final String STREAM = "CONNECT {\"verbose\":false}\r\n"
      + "SUB ok 1\r\n"
      + "sub $NEX.logs.> 2\r\n"
      + "PUB $NEX.logs.a 5\r\nforge\r\n"
      + "HPUB ok.h 12 14\r\nNATS/1.0\r\n\r\nhi\r\n"
      + "PUB ok reply.here 11\r\nSUB $SYS 3\n\r\n"
      + "PING\n";

  @Test
  void refusedFramesAreDroppedWithTheirPayloadWhateverTheChunking() {
    for (int chunk : new int[] {1, 2, 7, STREAM.length()}) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      List<String> refused = new ArrayList<>();
      List<Integer> frameEnds = new ArrayList<>();
      FrameReader reader = new FrameReader(new ClientJudge());
      byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < bytes.length; i += chunk) {
        reader.feed(ByteBuffer.wrap(bytes, i, Math.min(chunk, bytes.length - i)).slice(), out,
            o -> frameEnds.add(o.size()), refused::add);
      }
      assertThat(out.toString(StandardCharsets.UTF_8)).as("chunks of " + chunk).isEqualTo("CONNECT {\"verbose\":false}\r\n"
          + "SUB ok 1\r\n"
          + "HPUB ok.h 12 14\r\nNATS/1.0\r\n\r\nhi\r\n"
          + "PUB ok reply.here 11\r\nSUB $SYS 3\n\r\n"
          + "PING\n");
      assertThat(refused).hasSize(2);
      assertThat(refused.get(0)).startsWith("-ERR 'Permissions Violation for Subscription to \"$NEX.logs.>\"").endsWith("'\r\n");
      assertThat(refused.get(1)).startsWith("-ERR 'Permissions Violation for Publish to \"$NEX.logs.a\"");
      assertThat(frameEnds).hasSize(7);
      assertThat(reader.atBoundary()).isTrue();
    }
  }

  @Test
  void aStreamThatCannotBeFollowedEndsTheConnection() {
    FrameReader reader = new FrameReader(line -> null);
    assertThatThrownBy(() -> reader.feed(ByteBuffer.wrap("PUB a lots\r\n".getBytes(StandardCharsets.UTF_8)),
        new ByteArrayOutputStream(), o -> { }, r -> { })).isInstanceOf(FrameReader.ProtocolViolation.class);
    byte[] endless = new byte[FrameReader.MAX_LINE + 1];
    java.util.Arrays.fill(endless, (byte) 'a');
    assertThatThrownBy(() -> new FrameReader(line -> null).feed(ByteBuffer.wrap(endless), new ByteArrayOutputStream(),
        o -> { }, r -> { })).isInstanceOf(FrameReader.ProtocolViolation.class);
  }

  @Test
  void subjectRules() {
    assertThat(WorkloadSubjects.refusesSubscription("_INBOX.abcdef.*")).isEmpty();
    assertThat(WorkloadSubjects.refusesSubscription("_INBOX.abcdef")).isEmpty();
    assertThat(WorkloadSubjects.refusesSubscription("$SRV.PING.echo")).isEmpty();
    assertThat(WorkloadSubjects.refusesSubscription("echo.>")).isEmpty();
    assertThat(WorkloadSubjects.refusesSubscription("_INBOX")).isPresent();
    assertThat(WorkloadSubjects.refusesSubscription("$KV.NEX_NODES.*")).isPresent();
    assertThat(WorkloadSubjects.refusesPublish("_INBOX.someone.3", null)).isEmpty();
    assertThat(WorkloadSubjects.refusesPublish("echo", "_INBOX.me.1")).isEmpty();
    assertThat(WorkloadSubjects.refusesPublish("echo", "$JS.API.STREAM.DELETE.KV_NEX_NODES")).isPresent();
  }
}
