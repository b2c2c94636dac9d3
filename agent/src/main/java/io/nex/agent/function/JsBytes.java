package io.nex.agent.function;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Arrays;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.NativeJSON;
import org.mozilla.javascript.Scriptable;
import org.mozilla.javascript.Undefined;
import org.mozilla.javascript.typedarrays.NativeArrayBuffer;
import org.mozilla.javascript.typedarrays.NativeArrayBufferView;
import org.mozilla.javascript.typedarrays.NativeUint8Array;

/** Bytes into and out of scripts: a Uint8Array going in, and a rule for every value coming out. */
final class JsBytes {
  private static final byte[] NONE = new byte[0];

  private JsBytes() {}

  static Scriptable uint8Array(Context cx, Scriptable scope, byte[] bytes) {
    NativeUint8Array array = (NativeUint8Array) cx.newObject(scope, "Uint8Array", new Object[] {bytes.length});
    System.arraycopy(bytes, 0, array.getBuffer().getBuffer(), array.getByteOffset(), bytes.length);
    return array;
  }

  /** A Uint8Array, or null for an absent key or object. */
  static Object uint8ArrayOrNull(Context cx, Scriptable scope, byte[] bytes) {
    return bytes == null ? null : uint8Array(cx, scope, bytes);
  }

  static boolean isBinary(Object value) {
    return value instanceof NativeArrayBufferView || value instanceof NativeArrayBuffer;
  }

  /**
   * What a script hands to a host service: any typed array, DataView or ArrayBuffer as its raw
   * bytes, a string as UTF-8, anything else as its JSON (undefined and null as nothing).
   */
  static byte[] of(Context cx, Scriptable scope, Object value) {
    if (value instanceof NativeArrayBufferView view) {
      int from = view.getByteOffset();
      return Arrays.copyOfRange(view.getBuffer().getBuffer(), from, from + view.getByteLength());
    }
    if (value instanceof NativeArrayBuffer buffer) {
      return Arrays.copyOf(buffer.getBuffer(), buffer.getLength());
    }
    if (value instanceof CharSequence text) {
      return text.toString().getBytes(UTF_8);
    }
    if (value == null) {
      return NONE;
    }
    return json(cx, scope, value);
  }

  /** A function's reply, as Nex: JSON.stringify of the return value; nothing for undefined or a function. */
  static byte[] json(Context cx, Scriptable scope, Object value) {
    if (value == Undefined.instance) {
      return NONE;
    }
    Object json = NativeJSON.stringify(cx, scope, value, null, null);
    return json instanceof CharSequence text ? text.toString().getBytes(UTF_8) : NONE;
  }
}
