package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nex.testkit.Cli;
import io.nex.testkit.ControlPlaneServer;
import io.nex.testkit.NodeProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nex ui} in a real browser (Debian's Chromium, headless): two nodes, workloads deployed
 * and stopped, function calls counted, a node stopped, the control plane lost and back, all seen
 * on one page that is never reloaded. Each step builds on the one before.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UiTest {
  private static final Pattern URL = Pattern.compile("Nex UI: (http://\\S+)");
  private static final Pattern DEPLOYED = Pattern.compile("with ID: ([0-9a-v]{20}) on node (N[A-Z0-9]{55})");
  private static final String SECRET = "hunter2-never-on-the-page";
  private static final Duration SEEN = Duration.ofSeconds(20);
  private static final Path SCREENSHOT = Path.of(System.getProperty("basedir", "."), "target", "ui-screenshot.png");

  @TempDir static Path dir;
  static ControlPlaneServer controlPlane;
  static final List<NodeProcess> nodes = new ArrayList<>();
  static Process ui;
  static String url;
  static Browser browser;
  static Connection nc;
  static String echoId;
  static String echoNode;
  static String functionId;
  static String functionNode;

  @BeforeAll
  static void start() throws Exception {
    controlPlane = ControlPlaneServer.start(dir);
    for (int i = 0; i < 2; i++) {
      Path res = dir.resolve("node" + i);
      nodes.add(NodeProcess.start(res, controlPlane.url(),
          NodeProcess.config(res, "\"sandbox\": \"process\", \"machine_pool_size\": 1")));
    }
    // the nodes first: on a shared box their start is what suffers from JVMs starting beside them
    for (NodeProcess node : nodes) {
      node.awaitLog("Received agent handshake", 1, Duration.ofSeconds(60));
    }
    ui = new ProcessBuilder(Cli.command("ui", "--port", "0", "-s", controlPlane.url(), "--issuer", key("issuer.nk")))
        .redirectErrorStream(true).start();
    url = awaitUrl(ui);
    browser = Browser.launch();
    nc = Nats.connect(controlPlane.url());
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (nc != null) {
      nc.close();
    }
    if (ui != null) {
      ui.destroy();
      ui.waitFor(10, TimeUnit.SECONDS);
    }
    for (NodeProcess node : nodes) {
      node.close();
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  @Test
  @Order(1)
  void bothNodesHaveARow() throws Exception {
    browser.open(url);
    browser.waitFor(nodeRows() + ".length === 2", SEEN);
    assertThat(ids(browser.evaluate(nodeRows() + ".map(r => r.dataset.nodeId)")))
        .containsExactlyInAnyOrder(nodes.get(0).nodeId(), nodes.get(1).nodeId());
    assertThat(browser.evaluate("document.querySelector('#nodes tbody').textContent").asText())
        .contains("process").contains("1 ready").contains("running");
    assertThat(browser.evaluate("document.getElementById('banner').hidden").asBoolean()).isTrue();
  }

  @Test
  @Order(2)
  void deployedWorkloadsAppearWithoutAReload() throws Exception {
    browser.evaluate("window.notReloaded = true");
    Matcher echo = deploy("devrun", System.getProperty("echo.native"), "--type", "native", "--issuer", key("issuer.nk"),
        "--xkey", key("publisher.xk"), "NATS_URL=" + controlPlane.url(), "SECRET_TOKEN=" + SECRET);
    echoId = echo.group(1);
    echoNode = echo.group(2);
    // deployed by another issuer than the page's: its stop must be refused
    Matcher function = deploy("devrun", System.getProperty("echo.wasm"), "--type", "wasm", "--trigger_subject", "fn.ui",
        "--issuer", key("other-issuer.nk"), "--xkey", key("publisher.xk"));
    functionId = function.group(1);
    functionNode = function.group(2);

    browser.waitFor(workloadRow(echoId) + " && " + workloadRow(functionId), SEEN);
    String rows = browser.evaluate("document.querySelector('#workloads tbody').textContent").asText();
    assertThat(rows).contains("echo-native").contains("native").contains("echowasm").contains("wasm");
    assertThat(browser.evaluate("window.notReloaded === true").asBoolean()).isTrue();
    browser.waitFor(eventRows("workload_deployed") + ".length >= 2", SEEN);
  }

  @Test
  @Order(3)
  void functionCallsMoveTheCountersAndTheEvents() throws Exception {
    for (int i = 0; i < 50; i++) {
      Message reply = nc.request("fn.ui", ("call " + i).getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));
      assertThat(reply).as("reply to call " + i).isNotNull();
      assertThat(new String(reply.getData(), StandardCharsets.UTF_8)).isEqualTo("call " + i);
      if (i % 10 == 9) {
        Thread.sleep(400); // a few seconds of calls draw a curve on the chart, not one spike
      }
    }
    browser.waitFor(workloadRow(functionId) + ".dataset.calls === '50'", SEEN);
    browser.waitFor(eventRows("function_exec_succeeded") + ".length >= 50", SEEN);
    assertThat(browser.evaluate("document.querySelector('#chart polyline[data-function=\"" + functionId + "\"]') !== null")
        .asBoolean()).isTrue();
    assertThat(browser.evaluate("document.getElementById('call-count').textContent").asText()).isEqualTo("50");

    // the log of a clicked workload: its tail at once
    browser.click(workloadRow(echoId, "td:nth-child(2)"));
    browser.waitFor("document.getElementById('log').textContent.includes(\"echo service listening on 'echo'\")", SEEN);
    // the chart leaves out the second still filling: wait until a finished second with calls is drawn
    browser.waitFor("document.getElementById('chart').querySelector('polyline').getAttribute('points')"
        + ".split(' ').some(p => p.split(',')[1] < 200)", SEEN);
    browser.screenshot(SCREENSHOT);
    assertThat(SCREENSHOT).isNotEmptyFile();
  }

  @Test
  @Order(4)
  void aStopTheNodeRefusesShowsTheNodesReason() throws Exception {
    clickTwice(workloadRow(functionId, "button.stop"));
    browser.waitFor("!document.getElementById('notice').hidden && document.getElementById('notice').textContent"
        + ".includes('only the issuer that deployed')", SEEN);
    assertThat(browser.evaluate(workloadRow(functionId) + " !== null").asBoolean()).isTrue();
  }

  @Test
  @Order(5)
  void stoppingTheEchoFromThePageRemovesItsRow() throws Exception {
    clickTwice(workloadRow(echoId, "button.stop"));
    browser.waitFor(workloadRow(echoId) + " === null", SEEN);
    browser.waitFor(eventRows("workload_undeployed") + ".some(r => r.textContent.includes('echo-native'))", SEEN);
    browser.waitFor("document.getElementById('notice').textContent.includes(\"Workload 'echo-native' stopped\")", SEEN);

    // the events filter: one type only, then all again
    browser.select("#filter-type", "workload_undeployed");
    assertThat(browser.evaluate("[...document.querySelectorAll('#events tbody tr')].map(r => r.dataset.type)"))
        .isNotEmpty().allMatch(type -> type.asText().equals("workload_undeployed"));
    browser.select("#filter-type", "");
    browser.waitFor(eventRows("function_exec_succeeded") + ".length >= 50", SEEN);
  }

  @Test
  @Order(6)
  void nothingSecretReachesThePage() throws Exception {
    List<String> secrets = List.of(SECRET, seed("issuer.nk"), seed("other-issuer.nk"), seed("publisher.xk"));
    String page = browser.content();
    String stream = read(url + "stream", Duration.ofSeconds(3));
    assertThat(stream).contains("event: fleet").contains("function_exec_succeeded");
    stream += read(url + "logs?workload=" + echoId, Duration.ofSeconds(1));
    assertThat(stream).contains("echo service listening");
    for (String secret : secrets) {
      assertThat(page).doesNotContain(secret);
      assertThat(stream).doesNotContain(secret);
    }
    assertThat(browser.errors()).isEmpty();
  }

  @Test
  @Order(7)
  void actionsComeOnlyFromThePageAndOnlyForThisHost() throws Exception {
    HttpResponse<String> forged = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "api/lameduck"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"node_id\":\"" + nodes.get(0).nodeId() + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(forged.statusCode()).isEqualTo(403);
    URI uri = URI.create(url);
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: rebound.example:80\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      assertThat(status).contains("421");
    }
  }

  @Test
  @Order(8)
  void aStoppedNodesRowGoes() throws Exception {
    // the node without the function goes; the function is called again once NATS is back
    NodeProcess stopped = nodes.stream().filter(n -> !n.nodeId().equals(functionNode)).findFirst().orElseThrow();
    stopped.close();
    browser.waitFor(nodeRows() + ".length === 1", SEEN);
    assertThat(ids(browser.evaluate(nodeRows() + ".map(r => r.dataset.nodeId)"))).containsExactly(functionNode);
  }

  @Test
  @Order(9)
  void aLostControlPlaneIsABannerAndThePageRecovers() throws Exception {
    controlPlane.kill();
    browser.waitFor("!document.getElementById('banner').hidden"
        + " && document.getElementById('banner').textContent.includes('control plane')", SEEN);
    browser.screenshot(SCREENSHOT.resolveSibling("ui-disconnected.png"));
    controlPlane.restart();
    browser.waitFor("document.getElementById('banner').hidden", Duration.ofSeconds(30));
    browser.waitFor(nodeRows() + ".length === 1", SEEN);
    // live again: a call made now is counted
    Message reply = null;
    for (int i = 0; i < 50 && reply == null; i++) {
      reply = nc.request("fn.ui", "after".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(1));
    }
    assertThat(reply).isNotNull();
    browser.waitFor(workloadRow(functionId) + ".dataset.calls >= 51", SEEN);
  }

  @Test
  @Order(10)
  void lameDuckFromThePage() throws Exception {
    clickTwice("#nodes tr[data-node-id='" + functionNode + "'] button.lameduck");
    browser.waitFor("document.querySelector(\"#nodes tr[data-node-id='" + functionNode
        + "'] .state\").textContent === 'lame duck'", SEEN);
  }

  @Test
  @Order(11)
  void aBadControlPlaneUrlIsABanner() throws Exception {
    Process bad = new ProcessBuilder(Cli.command("ui", "--port", "0", "-s", "nats://127.0.0.1:1")).redirectErrorStream(true)
        .start();
    try {
      browser.open(awaitUrl(bad));
      browser.waitFor("!document.getElementById('banner').hidden && document.getElementById('banner').textContent"
          + ".includes('cannot reach the control plane at nats://127.0.0.1:1')", SEEN);
      assertThat(browser.evaluate("document.getElementById('nodes-empty').hidden").asBoolean()).isFalse();
    } finally {
      bad.destroy();
      bad.waitFor(10, TimeUnit.SECONDS);
    }
  }

  // ---- helpers ----

  private static String key(String name) {
    return dir.resolve(name).toString();
  }

  private static String seed(String name) throws IOException {
    return Files.readString(dir.resolve(name)).trim();
  }

  private static String nodeRows() {
    return "[...document.querySelectorAll('#nodes tbody tr')]";
  }

  private static String eventRows(String type) {
    return "[...document.querySelectorAll('#events tbody tr[data-type=\"" + type + "\"]')]";
  }

  private static String workloadRow(String id) {
    return "document.querySelector(\"#workloads tr[data-workload-id='" + id + "']\")";
  }

  private static String workloadRow(String id, String inside) {
    return "#workloads tr[data-workload-id='" + id + "'] " + inside;
  }

  /** The page's buttons ask once more before they act. */
  private static void clickTwice(String selector) throws Exception {
    browser.click(selector);
    browser.waitFor("document.querySelector(\"" + selector + "\")?.classList.contains('confirm')", SEEN);
    browser.click(selector);
  }

  private static Matcher deploy(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("-s", controlPlane.url()));
    Cli.Result result = Cli.run(all.toArray(String[]::new));
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    Matcher m = DEPLOYED.matcher(result.stdout());
    assertThat(m.find()).as(result.stdout()).isTrue();
    return m;
  }

  private static List<String> ids(JsonNode array) {
    List<String> ids = new ArrayList<>();
    array.forEach(n -> ids.add(n.asText()));
    return ids;
  }

  private static String awaitUrl(Process process) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line; (line = out.readLine()) != null; ) {
      seen.append(line).append('\n');
      Matcher m = URL.matcher(line);
      if (m.find()) {
        drain(process.getInputStream());
        return m.group(1);
      }
    }
    throw new AssertionError("nex ui exited without a URL:\n" + seen);
  }

  /** Keeps reading what the process prints, so that it never blocks on a full pipe. */
  private static void drain(InputStream in) {
    Thread t = new Thread(() -> {
      try {
        in.transferTo(OutputStream.nullOutputStream());
      } catch (IOException ignored) {
        // the process ended
      }
    });
    t.setDaemon(true);
    t.start();
  }

  /** What a stream sends within {@code window}: the replay a page gets when it connects. */
  private static String read(String streamUrl, Duration window) throws Exception {
    HttpResponse<InputStream> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(streamUrl))
        .build(), HttpResponse.BodyHandlers.ofInputStream());
    StringBuilder text = new StringBuilder();
    long deadline = System.nanoTime() + window.toNanos();
    try (InputStream body = response.body()) {
      byte[] buffer = new byte[65536];
      while (System.nanoTime() < deadline) {
        if (body.available() > 0) {
          int n = body.read(buffer);
          if (n < 0) {
            break;
          }
          text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        } else {
          Thread.sleep(50);
        }
      }
    }
    return text.toString();
  }
}
