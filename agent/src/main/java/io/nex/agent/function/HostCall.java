package io.nex.agent.function;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.caoccao.javet.enums.V8ValueReferenceType;
import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.primitive.V8ValueString;
import com.caoccao.javet.values.reference.V8ValueTypedArray;
import io.nex.api.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The one Java function behind {@code hostServices} in a V8 isolate:
 * {@code hostCall(service, method, name, bytes, headersJson)}. It answers a Uint8Array (done),
 * null (no such key or object) or a string (the host's reason for refusing); the JavaScript side
 * ({@code nex-runtime.js}) shapes that as Nex 0.2.7 did. Only plain values cross: no Java object
 * is ever bound into the isolate.
 */
final class HostCall {
  private static final byte[] NOTHING = new byte[0];

  private final V8Runtime runtime;
  /** The function's, looked up at each call: a spare isolate learns whose it is after it was set up. */
  private final Supplier<HostServices> services;

  HostCall(V8Runtime runtime, Supplier<HostServices> services) {
    this.runtime = runtime;
    this.services = services;
  }

  V8Value call(V8Value... args) throws JavetException {
    String service = text(args, 0);
    String method = text(args, 1);
    String name = text(args, 2);
    byte[] body = args.length > 3 && args[3] instanceof V8ValueTypedArray array ? array.toBytes() : NOTHING;
    String headers = text(args, 4);
    try {
      byte[] answer = answer(service + "." + method, name, body, headers);
      if (answer == null) {
        return runtime.createV8ValueNull();
      }
      V8ValueTypedArray bytes = runtime.createV8ValueTypedArray(V8ValueReferenceType.Uint8Array, answer.length);
      if (answer.length > 0) {
        bytes.fromBytes(answer);
      }
      return bytes;
    } catch (HostServiceException e) {
      return runtime.createV8ValueString(e.getMessage() == null ? "failed" : e.getMessage());
    } catch (RuntimeException e) {
      return runtime.createV8ValueString("failed: " + e.getMessage());
    }
  }

  private byte[] answer(String call, String name, byte[] body, String headers) throws HostServiceException {
    HostServices services = this.services.get();
    return switch (call) {
      case "kv.get" -> services.kvGet(name);
      case "kv.set" -> done(() -> services.kvSet(name, body));
      case "kv.delete" -> done(() -> services.kvDelete(name));
      case "kv.keys" -> Json.write(services.kvKeys());
      case "objectstore.get" -> services.objectGet(name);
      case "objectstore.put" -> services.objectPut(name, body);
      case "objectstore.delete" -> done(() -> services.objectDelete(name));
      case "objectstore.list" -> services.objectList();
      case "messaging.publish" -> done(() -> services.publish(name, body));
      case "messaging.request" -> services.request(name, body);
      case "messaging.requestMany" -> FramedList.encode(services.requestMany(name, body));
      case "http.get", "http.post", "http.put", "http.patch", "http.delete", "http.head" ->
          http(services, call.substring(5), name, body, headers);
      default -> throw new HostServiceException("no such host service call: " + call);
    };
  }

  /** {status, headers: {name: "v1, v2"}, body: text}, which the script side turns into Nex's {status, headers, response}. */
  private static byte[] http(HostServices services, String method, String url, byte[] body, String headers)
      throws HostServiceException {
    Map<String, String> requestHeaders = new LinkedHashMap<>();
    if (headers != null) {
      try {
        Json.read(headers.getBytes(UTF_8), Map.class).forEach((key, value) -> requestHeaders.put(String.valueOf(key), String.valueOf(value)));
      } catch (Json.MalformedJsonException e) {
        throw new HostServiceException("http headers are not an object of names to values");
      }
    }
    HostServices.HttpResult result = services.http(method, url, body, requestHeaders);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("status", result.status());
    answer.put("headers", result.headers() == null ? Map.of() : result.headers());
    answer.put("body", result.body() == null ? "" : new String(result.body(), UTF_8));
    return Json.write(answer);
  }

  private interface Action {
    void run() throws HostServiceException;
  }

  private static byte[] done(Action action) throws HostServiceException {
    action.run();
    return NOTHING;
  }

  private static String text(V8Value[] args, int index) {
    return args.length > index && args[index] instanceof V8ValueString string ? string.getValue() : null;
  }
}
