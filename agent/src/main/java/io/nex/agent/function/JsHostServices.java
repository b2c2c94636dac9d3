package io.nex.agent.function;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.LambdaFunction;
import org.mozilla.javascript.ScriptRuntime;
import org.mozilla.javascript.Scriptable;
import org.mozilla.javascript.ScriptableObject;
import org.mozilla.javascript.Undefined;

/**
 * The script's global {@code hostServices}, with Nex's shape: {@code kv}, {@code objectStore},
 * {@code messaging} and {@code http}. Calls are synchronous. A refused or failed call throws a
 * JavaScript {@code Error} carrying the host's reason, which the script may catch; uncaught, it
 * fails the invocation. Bytes come back as Uint8Array; what may be passed as bytes is in
 * {@link JsBytes#of}.
 */
final class JsHostServices {
  private JsHostServices() {}

  private interface Call {
    Object call(Context cx, Object[] args) throws HostServiceException;
  }

  static void install(Context cx, ScriptableObject scope, HostServices services) {
    Scriptable root = cx.newObject(scope);

    Scriptable kv = child(cx, scope, root, "kv");
    define(scope, kv, "kv.get", (c, a) -> JsBytes.uint8ArrayOrNull(c, scope, services.kvGet(text(a, 0, "kv.get", "key"))));
    define(scope, kv, "kv.set", (c, a) -> {
      services.kvSet(text(a, 0, "kv.set", "key"), bytes(c, scope, a, 1));
      return Undefined.instance;
    });
    define(scope, kv, "kv.delete", (c, a) -> {
      services.kvDelete(text(a, 0, "kv.delete", "key"));
      return Undefined.instance;
    });
    define(scope, kv, "kv.keys", (c, a) -> c.newArray(scope, services.kvKeys().toArray()));

    Scriptable objects = child(cx, scope, root, "objectStore");
    define(scope, objects, "objectStore.get",
        (c, a) -> JsBytes.uint8ArrayOrNull(c, scope, services.objectGet(text(a, 0, "objectStore.get", "name"))));
    define(scope, objects, "objectStore.put", (c, a) -> {
      services.objectPut(text(a, 0, "objectStore.put", "name"), bytes(c, scope, a, 1));
      return Undefined.instance;
    });
    define(scope, objects, "objectStore.delete", (c, a) -> {
      services.objectDelete(text(a, 0, "objectStore.delete", "name"));
      return Undefined.instance;
    });
    define(scope, objects, "objectStore.list", (c, a) -> c.newArray(scope, services.objectList().toArray()));

    Scriptable messaging = child(cx, scope, root, "messaging");
    define(scope, messaging, "messaging.publish", (c, a) -> {
      services.publish(text(a, 0, "messaging.publish", "subject"), bytes(c, scope, a, 1));
      return Undefined.instance;
    });
    define(scope, messaging, "messaging.request", (c, a) -> JsBytes.uint8Array(c, scope,
        services.request(text(a, 0, "messaging.request", "subject"), bytes(c, scope, a, 1))));
    define(scope, messaging, "messaging.requestMany", (c, a) -> {
      List<byte[]> replies = services.requestMany(text(a, 0, "messaging.requestMany", "subject"), bytes(c, scope, a, 1));
      return c.newArray(scope, replies.stream().map(reply -> JsBytes.uint8Array(c, scope, reply)).toArray());
    });

    Scriptable http = child(cx, scope, root, "http");
    for (String method : new String[] {"get", "delete", "head"}) {
      define(scope, http, "http." + method, (c, a) -> response(c, scope,
          services.http(method, text(a, 0, "http." + method, "url"), new byte[0], headers(a, 1))));
    }
    for (String method : new String[] {"post", "put", "patch"}) {
      define(scope, http, "http." + method, (c, a) -> response(c, scope,
          services.http(method, text(a, 0, "http." + method, "url"), bytes(c, scope, a, 1), headers(a, 2))));
    }

    ScriptableObject.defineProperty(scope, "hostServices", root, ScriptableObject.DONTENUM);
  }

  private static Scriptable child(Context cx, Scriptable scope, Scriptable parent, String name) {
    Scriptable object = cx.newObject(scope);
    ScriptableObject.putProperty(parent, name, object);
    return object;
  }

  private static void define(Scriptable scope, Scriptable target, String fullName, Call call) {
    String name = fullName.substring(fullName.indexOf('.') + 1);
    ScriptableObject.putProperty(target, name, new LambdaFunction(scope, name, 0, (cx, s, thisObj, args) -> {
      try {
        return call.call(cx, args);
      } catch (HostServiceException e) {
        throw ScriptRuntime.constructError("Error", fullName + ": " + e.getMessage());
      }
    }));
  }

  private static String text(Object[] args, int index, String function, String what) {
    if (args.length <= index || args[index] == Undefined.instance || args[index] == null) {
      throw ScriptRuntime.typeError(function + " needs a " + what);
    }
    return ScriptRuntime.toString(args[index]);
  }

  private static byte[] bytes(Context cx, Scriptable scope, Object[] args, int index) {
    return args.length <= index ? new byte[0] : JsBytes.of(cx, scope, args[index]);
  }

  /** An optional plain object of header names to values. */
  private static Map<String, String> headers(Object[] args, int index) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (args.length > index && args[index] instanceof Scriptable object) {
      for (Object id : object.getIds()) {
        String name = ScriptRuntime.toString(id);
        headers.put(name, ScriptRuntime.toString(ScriptableObject.getProperty(object, name)));
      }
    }
    return headers;
  }

  /** {status, headers, body: Uint8Array, response: body as text (Nex's name)}. */
  private static Scriptable response(Context cx, Scriptable scope, HostServices.HttpResult result) {
    Scriptable response = cx.newObject(scope);
    ScriptableObject.putProperty(response, "status", result.status());
    Scriptable headers = cx.newObject(scope);
    if (result.headers() != null) {
      result.headers().forEach((name, value) -> ScriptableObject.putProperty(headers, name, value));
    }
    ScriptableObject.putProperty(response, "headers", headers);
    byte[] body = result.body() == null ? new byte[0] : result.body();
    ScriptableObject.putProperty(response, "body", JsBytes.uint8Array(cx, scope, body));
    ScriptableObject.putProperty(response, "response", new String(body, UTF_8));
    return response;
  }
}
