package io.nex.agent.function;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.NativeObject;
import org.mozilla.javascript.RhinoException;
import org.mozilla.javascript.Scriptable;
import org.mozilla.javascript.ScriptableObject;
import org.mozilla.javascript.Symbol;

/**
 * One runner's built-ins, shared by all its calls and therefore sealed through and through, and
 * the fresh global scope each call gets on top of them. Rhino's own standard objects come sealed
 * from {@code initSafeStandardObjects(null, true)} (those it makes lazily, on first use, are
 * sealed as they are made); ours, and everything reachable from them (prototypes, methods,
 * {@code hostServices.kv}), are sealed here.
 */
final class SealedBuiltIns {
  private static final String[] OURS = {"console", "TextEncoder", "TextDecoder", "hostServices"};

  private SealedBuiltIns() {}

  static ScriptableObject create(Context cx, HostServices hostServices, Consumer<String> logLine) {
    ScriptableObject builtIns = cx.initSafeStandardObjects(null, true);
    JsConsole.install(cx, builtIns, logLine);
    JsTextCodecs.install(builtIns);
    JsHostServices.install(cx, builtIns, hostServices);
    Map<Object, Boolean> seen = new IdentityHashMap<>();
    for (String ours : OURS) {
      seal((Scriptable) builtIns.get(ours, builtIns), seen);
    }
    builtIns.sealObject();
    return builtIns;
  }

  /** A call's global scope: its own variables, the sealed built-ins below, {@code globalThis} itself. */
  static Scriptable callScope(ScriptableObject builtIns) {
    NativeObject scope = new NativeObject();
    scope.setPrototype(builtIns);
    scope.setParentScope(null);
    scope.defineProperty("globalThis", scope, ScriptableObject.DONTENUM);
    return scope;
  }

  /** A property's value; nothing for an accessor that refuses the prototype as {@code this}. */
  private static Object property(ScriptableObject object, Object id) {
    try {
      if (id instanceof String name) {
        return ScriptableObject.getProperty(object, name);
      }
      if (id instanceof Integer index) {
        return ScriptableObject.getProperty(object, index);
      }
      return id instanceof Symbol symbol ? ScriptableObject.getProperty(object, symbol) : null;
    } catch (RhinoException refused) {
      return null;
    }
  }

  private static void seal(Scriptable object, Map<Object, Boolean> seen) {
    if (object == null || seen.put(object, Boolean.TRUE) != null) {
      return;
    }
    if (object instanceof ScriptableObject scriptable) {
      for (Object id : scriptable.getAllIds()) {
        if (property(scriptable, id) instanceof Scriptable child) {
          seal(child, seen);
        }
      }
      seal(scriptable.getPrototype(), seen);
      scriptable.sealObject();
    }
  }
}
