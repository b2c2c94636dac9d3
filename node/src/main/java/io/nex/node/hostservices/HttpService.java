package io.nex.node.hostservices;

import com.fasterxml.jackson.core.type.TypeReference;
import io.nats.client.Message;
import io.nex.api.Json;
import io.nex.api.agent.FunctionHeaders;
import io.nex.node.workload.Deployment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code http}: get, post, put, patch, delete, head, only to hosts on the config's allow-list
 * ({@code host_services.services.http.config.allowed_hosts}; empty allows none). Request headers
 * travel as a JSON object in {@code x-http-headers}; the reply is JSON
 * {@code {status, headers, body (base64)}}.
 */
final class HttpService implements HostService {
  private static final Duration TIMEOUT = Duration.ofMillis(2500);
  private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete", "head");

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT)
      .followRedirects(HttpClient.Redirect.NEVER).build();
  private final List<String> allowedHosts;

  HttpService(List<String> allowedHosts) {
    this.allowedHosts = allowedHosts;
  }

  @Override
  public ServiceReply call(Deployment workload, String method, Message request) throws Exception {
    if (!METHODS.contains(method)) {
      return ServiceReply.badRequest("http has no method " + method);
    }
    String url = request.getHeaders() == null ? null : request.getHeaders().getFirst(FunctionHeaders.HTTP_URL);
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException | NullPointerException e) {
      return ServiceReply.badRequest("missing or invalid " + FunctionHeaders.HTTP_URL + " header");
    }
    if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
      return ServiceReply.badRequest("only http and https URLs with a host are allowed");
    }
    if (!allowedHosts.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
      return ServiceReply.forbidden("host " + uri.getHost() + " is not on this node's http allow-list");
    }
    byte[] body = request.getData() == null ? new byte[0] : request.getData();
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
        .method(method.toUpperCase(Locale.ROOT), body.length == 0 && (method.equals("get") || method.equals("head")
            || method.equals("delete")) ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    String headerJson = request.getHeaders().getFirst(FunctionHeaders.HTTP_HEADERS);
    if (headerJson != null) {
      Json.mapper().readValue(headerJson, new TypeReference<Map<String, String>>() {}).forEach(builder::header);
    }
    HttpResponse<byte[]> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("status", response.statusCode());
    Map<String, String> headers = new LinkedHashMap<>();
    response.headers().map().forEach((k, v) -> headers.put(k, String.join(", ", v)));
    reply.put("headers", headers);
    reply.put("body", Base64.getEncoder().encodeToString(response.body()));
    return ServiceReply.ok(Json.write(reply));
  }
}
