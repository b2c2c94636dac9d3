package io.nex.node.natsserver;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A nats-server's HTTP monitoring port, read for {@code /varz}'s {@code config_load_time}. */
final class MonitoringEndpoint {
  private static final Pattern LOAD_TIME = Pattern.compile("\"config_load_time\"\\s*:\\s*\"([^\"]+)\"");

  /** Loopback, but on a loaded host a 1 s connect was seen to time out, and the node died of it. */
  private static final Duration PATIENCE = Duration.ofSeconds(5);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(PATIENCE).build();
  private final URI varz;

  MonitoringEndpoint(String host, int port) {
    this.varz = URI.create("http://" + host + ":" + port + "/varz");
  }

  String configLoadTime() throws IOException {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(varz).timeout(PATIENCE).build(),
          HttpResponse.BodyHandlers.ofString());
      Matcher m = LOAD_TIME.matcher(response.body());
      if (!m.find()) {
        throw new IOException("no config_load_time in " + varz);
      }
      return m.group(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading " + varz, e);
    }
  }
}
