package io.nex.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class HubTest {
  @Test
  void aPageThatConnectsGetsTheLatestStatesAndRecentEventsThenWhatIsNew() throws Exception {
    Hub hub = new Hub();
    hub.state("link", new LinkStatus("nats://x", false, "connecting"));
    hub.state("link", new LinkStatus("nats://x", true, "connected"));
    hub.events(List.of(new EventView("e1", "workload_deployed", "t", "N1", "default", "echo", null)));

    SseStream stream = new SseStream();
    hub.attach(stream);
    hub.state("link", new LinkStatus("nats://x", true, "connected")); // unchanged: not sent again
    hub.events(List.of(new EventView("e2", "workload_undeployed", "t", "N1", "default", "echo", null)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread pumping = new Thread(() -> {
      try {
        stream.pump(out);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    pumping.start();
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!out.toString(StandardCharsets.UTF_8).contains("\"e2\"") && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    stream.close();
    pumping.join(5000);
    String sent = out.toString(StandardCharsets.UTF_8);

    assertThat(sent).doesNotContain("connecting");
    assertThat(sent.split("event: link", -1)).hasSize(2);
    assertThat(sent.indexOf("\"e1\"")).isPositive().isLessThan(sent.indexOf("\"e2\""));
  }

  @Test
  void aPageThatFallsTooFarBehindIsCutOff() throws Exception {
    Hub hub = new Hub();
    SseStream stream = new SseStream();
    hub.attach(stream);
    for (int i = 0; i <= SseStream.CAPACITY; i++) {
      hub.events(List.of(new EventView("e" + i, "heartbeat", "t", "N1", "system", null, null)));
    }
    assertThat(pump(stream)).doesNotContain("event: events"); // closed: pump returns at once
  }

  private static String pump(SseStream stream) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    stream.pump(out);
    return out.toString(StandardCharsets.UTF_8);
  }
}
