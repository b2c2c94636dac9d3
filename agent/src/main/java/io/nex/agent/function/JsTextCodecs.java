package io.nex.agent.function;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Locale;
import java.util.Set;
import org.mozilla.javascript.LambdaConstructor;
import org.mozilla.javascript.ScriptRuntime;
import org.mozilla.javascript.ScriptableObject;
import org.mozilla.javascript.Undefined;

/**
 * UTF-8 {@code TextEncoder} and {@code TextDecoder}, the web's way between strings and bytes,
 * which Rhino lacks: the payload arrives as a Uint8Array and
 * {@code new TextDecoder().decode(payload)} is how a script reads it as text.
 */
final class JsTextCodecs {
  private static final Set<String> UTF8_LABELS = Set.of("utf-8", "utf8", "unicode-1-1-utf-8");

  private JsTextCodecs() {}

  static void install(ScriptableObject scope) {
    LambdaConstructor encoder = new LambdaConstructor(scope, "TextEncoder", 0,
        (cx, s, args) -> cx.newObject(s));
    encoder.definePrototypeProperty("encoding", "utf-8", ScriptableObject.READONLY);
    encoder.definePrototypeMethod(scope, "encode", 0, (cx, s, thisObj, args) -> {
      String text = args.length == 0 || args[0] == Undefined.instance ? "" : ScriptRuntime.toString(args[0]);
      return JsBytes.uint8Array(cx, s, text.getBytes(UTF_8));
    });
    ScriptableObject.defineProperty(scope, "TextEncoder", encoder, ScriptableObject.DONTENUM);

    LambdaConstructor decoder = new LambdaConstructor(scope, "TextDecoder", 0, (cx, s, args) -> {
      if (args.length > 0 && args[0] != Undefined.instance
          && !UTF8_LABELS.contains(ScriptRuntime.toString(args[0]).strip().toLowerCase(Locale.ROOT))) {
        throw ScriptRuntime.constructError("RangeError", "TextDecoder supports only utf-8 here");
      }
      return cx.newObject(s);
    });
    decoder.definePrototypeProperty("encoding", "utf-8", ScriptableObject.READONLY);
    decoder.definePrototypeMethod(scope, "decode", 0, (cx, s, thisObj, args) -> {
      Object input = args.length == 0 ? Undefined.instance : args[0];
      if (input == Undefined.instance) {
        return "";
      }
      if (!JsBytes.isBinary(input)) {
        throw ScriptRuntime.typeError("TextDecoder.decode takes a Uint8Array, another typed array or an ArrayBuffer");
      }
      return new String(JsBytes.of(cx, s, input), UTF_8);
    });
    ScriptableObject.defineProperty(scope, "TextDecoder", decoder, ScriptableObject.DONTENUM);
  }
}
