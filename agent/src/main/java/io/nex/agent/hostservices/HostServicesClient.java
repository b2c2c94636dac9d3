package io.nex.agent.hostservices;

import com.fasterxml.jackson.core.type.TypeReference;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.agent.FunctionHeaders;
import io.nex.api.trace.TraceParent;
import io.nex.agent.function.CallTrace;
import io.nex.agent.function.HostWaits;
import io.nex.agent.function.HostServiceException;
import io.nex.agent.function.HostServices;
import java.io.IOException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Host services for the workload in this sandbox, as RPC to the node on
 * {@code hostint.{id}.rpc.{ns}.{workload}.{service}.{method}}. Parameters travel in headers, data
 * in the body; the node answers with {@code x-nex-hs-code} and {@code x-nex-hs-msg}.
 */
public final class HostServicesClient implements HostServices {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private final Connection connection;
  private final String sandboxId;
  private final String namespace;
  private final String workload;

  public HostServicesClient(Connection connection, String sandboxId, String namespace, String workload) {
    this.connection = connection;
    this.sandboxId = sandboxId;
    this.namespace = namespace;
    this.workload = workload;
  }

  @Override
  public byte[] kvGet(String key) throws HostServiceException {
    return call("kv", "get", FunctionHeaders.KV_KEY, key, null, true);
  }

  @Override
  public void kvSet(String key, byte[] value) throws HostServiceException {
    call("kv", "set", FunctionHeaders.KV_KEY, key, value, false);
  }

  @Override
  public void kvDelete(String key) throws HostServiceException {
    call("kv", "delete", FunctionHeaders.KV_KEY, key, null, false);
  }

  @Override
  public List<String> kvKeys() throws HostServiceException {
    return strings(call("kv", "keys", null, null, null, false));
  }

  @Override
  public byte[] objectGet(String name) throws HostServiceException {
    return call("objectstore", "get", FunctionHeaders.OBJECT_NAME, name, null, true);
  }

  @Override
  public byte[] objectPut(String name, byte[] data) throws HostServiceException {
    return call("objectstore", "put", FunctionHeaders.OBJECT_NAME, name, data, false);
  }

  @Override
  public void objectDelete(String name) throws HostServiceException {
    call("objectstore", "delete", FunctionHeaders.OBJECT_NAME, name, null, false);
  }

  @Override
  public byte[] objectList() throws HostServiceException {
    return call("objectstore", "list", null, null, null, false);
  }

  @Override
  public void publish(String subject, byte[] payload) throws HostServiceException {
    call("messaging", "publish", FunctionHeaders.SUBJECT, subject, payload, false);
  }

  @Override
  public byte[] request(String subject, byte[] payload) throws HostServiceException {
    return call("messaging", "request", FunctionHeaders.SUBJECT, subject, payload, false);
  }

  @Override
  public List<byte[]> requestMany(String subject, byte[] payload) throws HostServiceException {
    return strings(call("messaging", "requestMany", FunctionHeaders.SUBJECT, subject, payload, false)).stream()
        .map(Base64.getDecoder()::decode)
        .toList();
  }

  @Override
  public HttpResult http(String method, String url, byte[] body, Map<String, String> headers)
      throws HostServiceException {
    Headers request = new Headers().put(FunctionHeaders.HTTP_URL, url);
    if (headers != null && !headers.isEmpty()) {
      request.put(FunctionHeaders.HTTP_HEADERS, Json.writeString(headers));
    }
    byte[] reply = send("http", method, request, body, false);
    try {
      HttpReply parsed = Json.mapper().readValue(reply, HttpReply.class);
      return new HttpResult(parsed.status(), parsed.headers(),
          parsed.body() == null ? new byte[0] : Base64.getDecoder().decode(parsed.body()));
    } catch (IOException e) {
      throw new HostServiceException("http." + method + ": unreadable reply from the node");
    }
  }

  private record HttpReply(int status, Map<String, String> headers, String body) {}

  private byte[] call(String service, String method, String header, String value, byte[] body, boolean absentIsNull)
      throws HostServiceException {
    Headers headers = new Headers();
    if (header != null) {
      headers.put(header, value);
    }
    return send(service, method, headers, body, absentIsNull);
  }

  private byte[] send(String service, String method, Headers headers, byte[] body, boolean absentIsNull)
      throws HostServiceException {
    String subject = Subjects.hostServiceRpc(sandboxId, namespace, workload, service, method);
    CallTrace trace = CallTrace.current();
    if (trace == null) {
      return answer(service, method, request(subject, service, method, headers, body), absentIsNull);
    }
    CallTrace.HostCallSpan span = trace.hostCall(service, method);
    headers.put(TraceParent.HEADER, span.traceparent());
    try {
      byte[] answer = answer(service, method, request(subject, service, method, headers, body), absentIsNull);
      span.end(null);
      return answer;
    } catch (HostServiceException e) {
      span.end(e.getMessage());
      throw e;
    }
  }

  private Message request(String subject, String service, String method, Headers headers, byte[] body)
      throws HostServiceException {
    Message reply;
    HostWaits.waiting();
    try {
      reply = connection.request(subject, headers, body == null ? new byte[0] : body, TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HostServiceException(service + "." + method + ": interrupted");
    } catch (RuntimeException e) {
      throw new HostServiceException(service + "." + method + ": " + e.getMessage());
    }
    if (reply == null) {
      throw new HostServiceException(service + "." + method + ": the node did not answer within "
          + TIMEOUT.toMillis() + " ms");
    }
    return reply;
  }

  private static byte[] answer(String service, String method, Message reply, boolean absentIsNull)
      throws HostServiceException {
    String code = reply.getHeaders() == null ? null : reply.getHeaders().getFirst(FunctionHeaders.HS_CODE);
    if ("200".equals(code)) {
      return reply.getData();
    }
    if ("404".equals(code) && absentIsNull) {
      return null;
    }
    String message = reply.getHeaders() == null ? null : reply.getHeaders().getFirst(FunctionHeaders.HS_MESSAGE);
    throw new HostServiceException(message == null ? service + "." + method + " failed" : message);
  }

  private static List<String> strings(byte[] json) throws HostServiceException {
    try {
      return Json.mapper().readValue(json, STRINGS);
    } catch (IOException e) {
      throw new HostServiceException("unreadable list from the node");
    }
  }
}
