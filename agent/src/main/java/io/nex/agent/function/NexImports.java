package io.nex.agent.function;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.dylibso.chicory.runtime.HostFunction;
import com.fasterxml.jackson.databind.JsonNode;
import io.nex.api.Json;
import java.io.IOException;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Host services for WebAssembly: the functions a module may import from {@code "nex"}. All
 * parameters are i32. Strings and bytes go in as (pointer, length) pairs, strings as UTF-8. Each
 * service call takes a last parameter {@code out}, the address of an 8-byte slot where the host
 * writes (u32 pointer, u32 length) of its result, placed in memory from the module's
 * {@code alloc}, and returns a status: {@link #OK} with the result in the slot (0, 0 when there
 * is none), {@link #NOT_FOUND} for an absent key or object, or {@link #FAILED} with the host's
 * reason as UTF-8 text in the slot. Lists are {@link FramedList}s. docs/functions.md is the
 * user's copy of this contract.
 */
final class NexImports {
  static final String MODULE = "nex";
  static final int OK = 0;
  static final int NOT_FOUND = 1;
  static final int FAILED = 2;

  private static final Set<String> HTTP_METHODS = Set.of("get", "post", "put", "patch", "delete", "head");

  private final HostServices services;
  private final Consumer<String> logLine;
  private final boolean exportsAlloc;

  NexImports(HostServices services, Consumer<String> logLine, boolean exportsAlloc) {
    this.services = services;
    this.logLine = logLine;
    this.exportsAlloc = exportsAlloc;
  }

  private interface Service {
    /** Returns the result, or null for "not found". */
    byte[] call(GuestMemory guest, long[] args) throws HostServiceException;
  }

  /** Every import this module offers, name to type, to check a module against at deploy time. */
  static Map<String, FunctionType> signatures() {
    return new NexImports(null, line -> {}, false).functions().stream()
        .collect(Collectors.toMap(HostFunction::name, HostFunction::functionType));
  }

  List<HostFunction> functions() {
    List<HostFunction> functions = new ArrayList<>();
    functions.add(service("kv_get", 3, (g, a) -> services.kvGet(g.string(a[0], a[1]))));
    functions.add(service("kv_set", 5, (g, a) -> done(() -> services.kvSet(g.string(a[0], a[1]), g.bytes(a[2], a[3])))));
    functions.add(service("kv_delete", 3, (g, a) -> done(() -> services.kvDelete(g.string(a[0], a[1])))));
    functions.add(service("kv_keys", 1, (g, a) -> FramedList.encode(utf8(services.kvKeys()))));
    functions.add(service("object_get", 3, (g, a) -> services.objectGet(g.string(a[0], a[1]))));
    functions.add(service("object_put", 5,
        (g, a) -> done(() -> { services.objectPut(g.string(a[0], a[1]), g.bytes(a[2], a[3])); })));
    functions.add(service("object_delete", 3, (g, a) -> done(() -> services.objectDelete(g.string(a[0], a[1])))));
    functions.add(service("object_list", 1, (g, a) -> FramedList.encode(utf8(objectNames(services.objectList())))));
    functions.add(service("publish", 5, (g, a) -> done(() -> services.publish(g.string(a[0], a[1]), g.bytes(a[2], a[3])))));
    functions.add(service("request", 5, (g, a) -> services.request(g.string(a[0], a[1]), g.bytes(a[2], a[3]))));
    functions.add(service("request_many", 5,
        (g, a) -> FramedList.encode(services.requestMany(g.string(a[0], a[1]), g.bytes(a[2], a[3])))));
    functions.add(service("http", 9, this::http));
    functions.add(new HostFunction(MODULE, "log", FunctionType.of(List.of(ValType.I32, ValType.I32), List.of()),
        (instance, args) -> {
          logLine.accept(new GuestMemory(instance, exportsAlloc).string(args[0], args[1]));
          return null;
        }));
    return functions;
  }

  /** http(method, url, headers, body, out): headers a framed list of name, value, name, value... */
  private byte[] http(GuestMemory guest, long[] args) throws HostServiceException {
    String method = guest.string(args[0], args[1]).toLowerCase(Locale.ROOT);
    if (!HTTP_METHODS.contains(method)) {
      throw new HostServiceException("unsupported http method \"" + method + "\"; use one of " + HTTP_METHODS);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    List<byte[]> pairs;
    try {
      pairs = FramedList.decode(guest.bytes(args[4], args[5]));
    } catch (IllegalArgumentException e) {
      throw new HostServiceException("http headers: " + e.getMessage());
    }
    if (pairs.size() % 2 != 0) {
      throw new HostServiceException("http headers: a name without a value");
    }
    for (int i = 0; i < pairs.size(); i += 2) {
      headers.put(new String(pairs.get(i), UTF_8), new String(pairs.get(i + 1), UTF_8));
    }
    HostServices.HttpResult result = services.http(method, guest.string(args[2], args[3]), guest.bytes(args[6], args[7]),
        headers);
    List<byte[]> responseHeaders = new ArrayList<>();
    (result.headers() == null ? Map.<String, String>of() : result.headers()).forEach((name, value) -> {
      responseHeaders.add(name.getBytes(UTF_8));
      responseHeaders.add(value.getBytes(UTF_8));
    });
    byte[] framedHeaders = FramedList.encode(responseHeaders);
    byte[] body = result.body() == null ? new byte[0] : result.body();
    // u32 status, u32 length of the headers, the headers (framed), then the body to the end
    return ByteBuffer.allocate(8 + framedHeaders.length + body.length).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(result.status()).putInt(framedHeaders.length).put(framedHeaders).put(body).array();
  }

  private HostFunction service(String name, int params, Service service) {
    FunctionType type = FunctionType.of(Collections.nCopies(params, ValType.I32), List.of(ValType.I32));
    return new HostFunction(MODULE, name, type, (instance, args) -> {
      GuestMemory guest = new GuestMemory(instance, exportsAlloc);
      long out = args[params - 1];
      byte[] result;
      try {
        result = service.call(guest, args);
      } catch (HostServiceException e) {
        byte[] reason = String.valueOf(e.getMessage()).getBytes(UTF_8);
        guest.writeSlot(out, guest.place(reason), reason.length);
        return new long[] {FAILED};
      }
      if (result == null) {
        guest.writeSlot(out, 0, 0);
        return new long[] {NOT_FOUND};
      }
      guest.writeSlot(out, guest.place(result), result.length);
      return new long[] {OK};
    });
  }

  private interface Action {
    void run() throws HostServiceException;
  }

  private static byte[] done(Action action) throws HostServiceException {
    action.run();
    return new byte[0];
  }

  private static List<byte[]> utf8(List<String> texts) {
    return texts.stream().map(text -> text.getBytes(UTF_8)).toList();
  }

  /** The names in the node's list of object infos (Nex's reply), which is what a module gets. */
  private static List<String> objectNames(byte[] infos) throws HostServiceException {
    try {
      List<String> names = new ArrayList<>();
      for (JsonNode info : Json.mapper().readTree(infos)) {
        if (!info.path("deleted").asBoolean(false)) {
          names.add(info.path("name").asText());
        }
      }
      return names;
    } catch (IOException e) {
      throw new HostServiceException("unreadable object list from the node");
    }
  }
}
