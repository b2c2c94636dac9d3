package io.nex.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one number from a nats-server monitoring endpoint (e.g. /subsz num_subscriptions). */
public final class Monitoring {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private Monitoring() {}

  public static long number(String url, String field) throws IOException {
    try {
      String body = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
      Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*(\\d+)").matcher(body);
      if (!m.find()) {
        throw new IOException("no " + field + " in " + url);
      }
      return Long.parseLong(m.group(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
