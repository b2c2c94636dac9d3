package io.nex.agent.function;

import java.util.StringJoiner;
import java.util.function.Consumer;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.Function;
import org.mozilla.javascript.LambdaFunction;
import org.mozilla.javascript.NativeJSON;
import org.mozilla.javascript.RhinoException;
import org.mozilla.javascript.ScriptRuntime;
import org.mozilla.javascript.Scriptable;
import org.mozilla.javascript.ScriptableObject;
import org.mozilla.javascript.Undefined;

/**
 * The script's {@code console}: log, info, warn and error all become log lines of the workload,
 * one per line of text. Arguments are joined by spaces; objects are shown as JSON.
 */
final class JsConsole {
  private JsConsole() {}

  static void install(Context cx, ScriptableObject scope, Consumer<String> logLine) {
    Scriptable console = cx.newObject(scope);
    for (String level : new String[] {"log", "info", "warn", "error"}) {
      ScriptableObject.putProperty(console, level, new LambdaFunction(scope, level, 0, (c, s, thisObj, args) -> {
        StringJoiner line = new StringJoiner(" ");
        for (Object arg : args) {
          line.add(show(c, scope, arg));
        }
        for (String text : line.toString().split("\\R")) {
          logLine.accept(text);
        }
        return Undefined.instance;
      }));
    }
    ScriptableObject.defineProperty(scope, "console", console, ScriptableObject.DONTENUM);
  }

  private static String show(Context cx, Scriptable scope, Object value) {
    if (value instanceof Scriptable && !(value instanceof Function) && !JsBytes.isBinary(value)) {
      try {
        Object json = NativeJSON.stringify(cx, scope, value, null, null);
        if (json instanceof CharSequence text) {
          return text.toString();
        }
      } catch (RhinoException cyclicOrBigInt) {
        // shown by toString instead
      }
    }
    return ScriptRuntime.toString(value);
  }
}
