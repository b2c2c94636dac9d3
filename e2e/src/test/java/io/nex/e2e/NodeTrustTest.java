package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Dispatcher;
import io.nats.client.impl.Headers;
import io.nex.api.Envelope;
import io.nex.api.Json;
import io.nex.api.ResponseTypes;
import io.nex.api.control.AuctionResponse;
import io.nex.api.control.NodeSignature;
import io.nex.api.control.PingResponse;
import io.nex.keys.KeyType;
import io.nex.keys.NKeyPair;
import io.nex.keys.XKeyPair;
import io.nex.testkit.Cli;
import io.nex.testkit.OneNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fake node beside a real one: a plain NATS client that answers {@code $NEX.PING} and
 * {@code $NEX.AUCTION} in the right shape, with the best bid there is, but cannot sign as the
 * node id it gives. The CLI lists it as untrusted and never deploys to it; a trusted node issuer
 * makes the real node's vouch count.
 */
class NodeTrustTest {
  private static final NKeyPair OPERATOR = NKeyPair.create(KeyType.OPERATOR);
  private static final NKeyPair FAKE_ID = NKeyPair.create(KeyType.SERVER);

  @TempDir static Path dir;
  static OneNode one;
  static Dispatcher fake;
  static final List<String> fakeHeard = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    one = OneNode.start(dir, client -> "\"machine_pool_size\": 1, \"sandbox\": \"process\", \"node_issuer_seed\": \""
        + OPERATOR.seed() + "\"", 1, Duration.ofSeconds(60));
    NKeyPair notTheNode = NKeyPair.create(KeyType.SERVER);
    String xkey = XKeyPair.create().publicKey();
    Map<String, String> tags = Map.of("nex.os", "linux", "nex.arch", "amd64");
    fake = one.connection().createDispatcher(msg -> {
      fakeHeard.add(msg.getSubject());
      Object data = msg.getSubject().equals("$NEX.AUCTION")
          ? new AuctionResponse(FAKE_ID.publicKey(), "fake", "0.2.7", "1s", xkey, tags, 0,
              new AuctionResponse.Capacity(100, -1, Long.MAX_VALUE, 10, 1000))
          : new PingResponse(FAKE_ID.publicKey(), "fake", "0.2.7", "1s", xkey, tags, 0);
      String type = msg.getSubject().equals("$NEX.AUCTION") ? ResponseTypes.AUCTION : ResponseTypes.PING;
      byte[] body = Json.write(Envelope.ok(type, data));
      Headers headers = new Headers().put(NodeSignature.SIGNATURE_HEADER,
          NodeSignature.encode(notTheNode.sign(NodeSignature.signed(msg.getReplyTo(), body))));
      one.connection().publish(msg.getReplyTo(), headers, body);
    });
    fake.subscribe("$NEX.PING");
    fake.subscribe("$NEX.AUCTION");
    fake.subscribe("$NEX.INFO.*." + FAKE_ID.publicKey());
    fake.subscribe("$NEX.DEPLOY.*." + FAKE_ID.publicKey());
    one.connection().flush(Duration.ofSeconds(2));
  }

  @AfterAll
  static void stop() throws Exception {
    if (one != null) {
      one.close();
    }
  }

  private static Cli.Result cli(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("-s", one.controlPlane().url(), "--timeout", Cli.timeoutFor(args[0])));
    return Cli.run(all.toArray(String[]::new));
  }

  /** Both nodes' answers, asked again while one of them was late (a loaded machine). */
  private static JsonNode listed(String... flags) throws Exception {
    List<String> args = new ArrayList<>(List.of("node", "ls", "--json"));
    args.addAll(List.of(flags));
    return await().atMost(Duration.ofSeconds(30)).until(() -> {
      Cli.Result ls = cli(args.toArray(String[]::new));
      assertThat(ls.exitCode()).as(ls.stderr()).isZero();
      return Json.mapper().readTree(ls.stdout());
    }, nodes -> nodes.size() == 2);
  }

  private static JsonNode byId(JsonNode nodes, String id) {
    for (JsonNode node : nodes) {
      if (node.get("node_id").asText().equals(id)) {
        return node;
      }
    }
    throw new AssertionError(id + " not listed in " + nodes);
  }

  @Test
  void theFakeNodeIsListedAsUntrusted() throws Exception {
    JsonNode nodes = listed();
    assertThat(byId(nodes, one.node().nodeId()).get("trusted").asBoolean()).as(nodes.toString()).isTrue();
    JsonNode impostor = byId(nodes, FAKE_ID.publicKey());
    assertThat(impostor.get("trusted").asBoolean()).isFalse();
    assertThat(impostor.get("untrusted_reason").asText()).isEqualTo("bad signature");

    Cli.Result table = cli("node", "ls");
    assertThat(table.stdout()).contains(FAKE_ID.publicKey() + "!").doesNotContain(one.node().nodeId() + "!")
        .contains("! " + FAKE_ID.publicKey() + " is untrusted (bad signature): it never wins an auction");
  }

  @Test
  void aTrustedNodeIssuerMustHaveVouchedForTheNode() throws Exception {
    JsonNode vouched = listed("--trusted-node-issuer", OPERATOR.publicKey());
    assertThat(byId(vouched, one.node().nodeId()).get("trusted").asBoolean()).isTrue();
    assertThat(byId(vouched, FAKE_ID.publicKey()).get("trusted").asBoolean()).isFalse();

    JsonNode otherFleet = listed("--trusted-node-issuer", NKeyPair.create(KeyType.OPERATOR).publicKey());
    assertThat(byId(otherFleet, one.node().nodeId()).get("untrusted_reason").asText())
        .isEqualTo("vouched for by an issuer not trusted here");

    Cli.Result bad = cli("node", "ls", "--trusted-node-issuer", "AAAA");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.stderr().strip()).startsWith("nex: bad --trusted-node-issuer AAAA").doesNotContain("\n");
  }

  @Test
  void theFakeNodeNeverWinsAnAuctionAndIsNeverSealedTo() throws Exception {
    Path echo = Path.of(System.getProperty("echo.native"));
    // each devrun replaces the one before (same name)
    for (int i = 0; i < 3; i++) {
      Cli.Result run = cli("devrun", echo.toString(), "--type", "native", "--argv", "echo.trust" + i,
          "--issuer", dir.resolve("issuer.nk").toString(), "--xkey", dir.resolve("publisher.xk").toString(),
          "NATS_URL=" + one.controlPlane().url());
      assertThat(run.exitCode()).as(run.stderr() + "\n" + one.node().log()).isZero();
      assertThat(run.stdout()).contains("on node " + one.node().nodeId());
    }
    assertThat(fakeHeard).contains("$NEX.AUCTION").noneMatch(s -> s.startsWith("$NEX.INFO") || s.startsWith("$NEX.DEPLOY"));

    // named explicitly, it is refused before anything is sealed
    Cli.Result named = cli("devrun", echo.toString(), FAKE_ID.publicKey(), "SECRET=x", "--type", "native",
        "--issuer", dir.resolve("issuer.nk").toString(), "--xkey", dir.resolve("publisher.xk").toString());
    assertThat(named.exitCode()).isEqualTo(1);
    List<String> lines = named.stderr().strip().lines().toList();
    assertThat(lines.get(lines.size() - 1)).startsWith("nex: the answer on $NEX.INFO.default." + FAKE_ID.publicKey())
        .endsWith("is not node " + FAKE_ID.publicKey() + "'s (bad signature); nothing was sent to it");
    assertThat(fakeHeard).noneMatch(s -> s.startsWith("$NEX.DEPLOY"));

    Cli.Result info = cli("node", "info", FAKE_ID.publicKey());
    assertThat(info.exitCode()).isEqualTo(1);
    assertThat(info.stderr().strip()).endsWith("is not node " + FAKE_ID.publicKey() + "'s (bad signature); nothing was sent to it")
        .doesNotContain("\n");
  }
}
