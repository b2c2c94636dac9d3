package io.nex.agent.function;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.caoccao.javet.enums.V8ValueReferenceType;
import com.caoccao.javet.exceptions.BaseJavetScriptingException;
import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.exceptions.JavetScriptingError;
import com.caoccao.javet.exceptions.JavetTerminatedException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.interop.callback.IJavetDirectCallable;
import com.caoccao.javet.interop.callback.JavetCallbackContext;
import com.caoccao.javet.interop.callback.JavetCallbackType;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.primitive.V8ValueString;
import com.caoccao.javet.values.reference.IV8ValuePromise;
import com.caoccao.javet.values.reference.V8Module;
import com.caoccao.javet.values.reference.V8ValueArrayBuffer;
import com.caoccao.javet.values.reference.V8ValueFunction;
import com.caoccao.javet.values.reference.V8ValueObject;
import com.caoccao.javet.values.reference.V8ValuePromise;
import com.caoccao.javet.values.reference.V8ValueTypedArray;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One V8 isolate, running one function's calls one at a time. Its context lives as long as the
 * isolate: {@code nex-runtime.js} sets it up once (console, TextEncoder/TextDecoder, hostServices
 * over one Java callback, then every built-in frozen) and gives each call a fresh global scope
 * of its own (classic scripts) or a fresh module instance (ES modules), so nothing a call leaves
 * behind is seen by the next. The context is never reset: resetting one with Java callbacks bound
 * aborted the JVM inside V8 (JS-ENGINES.md, trap 2), and a fresh context cost 400-600 µs a call.
 *
 * <p>An isolate that was told to stop (time limit, undeploy) or ran out of heap is never used
 * again: its owner closes it and makes another.
 */
final class V8Isolate implements AutoCloseable {
  static final String CLASSIC_NAME = "function.js";
  static final String MODULE_NAME = "function.mjs";
  private static final String RUNTIME_NAME = "nex-runtime.js";
  private static final String RUNTIME_SCRIPT = runtimeScript();
  private static final Pattern POSITION = Pattern.compile(":(\\d+):\\d+\\)?$");
  /** Payloads up to this size reach a classic script through memory shared with V8 ({@link #exchange}). */
  private static final int EXCHANGE_BYTES = 64 * 1024;
  /** What V8 may grow the heap by past the cap so that termination can unwind. */
  private static final long UNWIND_HEADROOM = 16L << 20;

  private final V8Runtime runtime;
  private final V8ValueObject entries;
  private final V8ValueFunction prepareClassic;
  private final V8ValueFunction callModuleDefault;
  private final List<Long> callbacks;
  /** The prepared entry of a classic script ({@link #prepare}), or null. */
  private V8ValueFunction classic;
  private final ByteBuffer exchange = ByteBuffer.allocateDirect(EXCHANGE_BYTES);
  private V8ValueArrayBuffer exchangeBuffer;
  private final V8ValueFunction reply;
  private final Object state = new Object();
  /** Calls are numbered so that a late deadline never stops the next call in this isolate. */
  private long calls;
  private long running;
  private long stopRequested;
  private boolean stopped;
  private volatile boolean outOfMemory;
  private volatile HostServices hostServices;
  private volatile Consumer<String> logLine;

  private V8Isolate(V8Runtime runtime, V8ValueObject entries, List<Long> callbacks) throws JavetException {
    this.runtime = runtime;
    this.entries = entries;
    this.callbacks = callbacks;
    this.prepareClassic = entries.get("prepareClassic");
    this.callModuleDefault = entries.get("callModuleDefault");
    this.reply = entries.get("reply");
  }

  static V8Isolate start(HostServices hostServices, Consumer<String> logLine) throws FunctionException {
    V8Isolate isolate = unbound();
    isolate.bind(hostServices, logLine);
    return isolate;
  }

  /**
   * An isolate set up for no function yet (a {@link SpareIsolate}); {@link #bind} names whose it
   * is before it runs anything. Setting one up is what starting a JavaScript function costs most.
   */
  static V8Isolate unbound() throws FunctionException {
    V8Runtime runtime = V8Engine.newRuntime();
    try {
      V8Isolate[] self = new V8Isolate[1];
      // the callbacks find the function through the isolate: set up before it runs any, they are
      // called only once it is bound
      HostCall hostCall = new HostCall(runtime, () -> self[0].hostServices);
      runtime.setNearHeapLimitCallback((current, initial) -> {
        if (self[0] != null) {
          self[0].outOfMemory = true;
          self[0].stop();
        }
        return current + UNWIND_HEADROOM;
      });
      JavetCallbackContext hostContext = new JavetCallbackContext("hostCall", JavetCallbackType.DirectCallNoThisAndResult,
          (IJavetDirectCallable.NoThisAndResult<Exception>) hostCall::call);
      JavetCallbackContext logContext = new JavetCallbackContext("logLine", JavetCallbackType.DirectCallNoThisAndResult,
          (IJavetDirectCallable.NoThisAndResult<Exception>) args -> {
            Consumer<String> logLine = self[0].logLine;
            for (String line : ((V8ValueString) args[0]).getValue().split("\\R", -1)) {
              logLine.accept(line);
            }
            return runtime.createV8ValueUndefined();
          });
      try (V8ValueFunction setup = runtime.getExecutor(RUNTIME_SCRIPT).setResourceName(RUNTIME_NAME).execute();
           V8ValueFunction host = runtime.createV8ValueFunction(hostContext);
           V8ValueFunction log = runtime.createV8ValueFunction(logContext)) {
        self[0] = new V8Isolate(runtime, setup.call(null, host, log), List.of(hostContext.getHandle(), logContext.getHandle()));
        return self[0];
      }
    } catch (JavetException e) {
      closeQuietly(runtime);
      throw new FunctionException("cannot set up V8: " + e.getMessage());
    }
  }

  /** Makes this the isolate of the function whose host services and log these are. */
  void bind(HostServices hostServices, Consumer<String> logLine) {
    this.hostServices = hostServices;
    this.logLine = logLine;
  }

  /** Refuses a source that does not compile as a script of {@code form}, with the line and V8's reason. */
  void compile(String source, ScriptForm form) throws FunctionException {
    try {
      if (form == ScriptForm.CLASSIC) {
        runtime.getExecutor(source).setResourceName(CLASSIC_NAME).compileV8Script().close();
        return;
      }
      try (V8Module module = runtime.getExecutor(source).setResourceName(MODULE_NAME).setModule(true).compileV8Module()) {
        try {
          module.instantiate();
        } catch (BaseJavetScriptingException e) {
          throw new FunctionException("the module cannot be linked: a function is one file and imports nothing ("
              + e.getScriptingError().getMessage() + ")");
        } finally {
          runtime.removeV8Module(module);
        }
      }
    } catch (BaseJavetScriptingException e) {
      JavetScriptingError error = e.getScriptingError();
      throw new FunctionException("script syntax error" + (error.getLineNumber() > 0 ? " at line " + error.getLineNumber() : "")
          + ": " + error.getMessage());
    } catch (JavetException e) {
      throw new FunctionException("script does not compile: " + e.getMessage());
    }
  }

  /** Makes the per-call entry of a classic script once, so that calls do not hand V8 the source each time. */
  void prepare(ScriptForm form, String source) throws FunctionException {
    if (form != ScriptForm.CLASSIC || classic != null) {
      return;
    }
    try {
      exchangeBuffer = runtime.createV8ValueArrayBuffer(exchange);
      classic = prepareClassic.call(null, source, exchangeBuffer);
    } catch (JavetException e) {
      throw new FunctionException("cannot prepare the script: " + e.getMessage());
    }
  }

  /** The number of the next call, for {@link #stop(long)}. */
  long nextCall() {
    synchronized (state) {
      return ++calls;
    }
  }

  /** Runs one call: the reply is the JSON of what the function returned (or its Promise settled to). */
  byte[] call(long number, ScriptForm form, String source, String subject, byte[] payload) throws FunctionException, Stopped {
    synchronized (state) {
      if (stopped || stopRequested == number) {
        stopped = true;
        throw new Stopped(false);
      }
      running = number;
    }
    try {
      if (form == ScriptForm.CLASSIC) {
        prepare(form, source);
        V8Value answer = payload.length <= EXCHANGE_BYTES ? classic.call(null, subject, shared(payload))
            : callWithTypedArray(subject, payload);
        if (answer instanceof V8ValueString json) {
          return json.getValue().getBytes(UTF_8);
        }
        try (V8Value result = settled(answer)) { // settled closes the Promise it was given
          return reply.callString(null, result).getBytes(UTF_8);
        }
      }
      try (V8ValueTypedArray bytes = typedArray(payload); V8Value result = settled(callModule(source, subject, bytes))) {
        return reply.callString(null, result).getBytes(UTF_8);
      }
    } catch (JavetTerminatedException e) {
      throw new Stopped(outOfMemory);
    } catch (BaseJavetScriptingException e) {
      if (outOfMemory) {
        throw new Stopped(true);
      }
      throw thrown(e.getScriptingError());
    } catch (JavetException e) {
      throw new FunctionException("function failed: " + e.getMessage());
    } finally {
      synchronized (state) {
        running = 0;
      }
    }
  }

  /** Writes the payload where the script reads it, and returns its length (what the script is passed). */
  private int shared(byte[] payload) {
    exchange.clear();
    exchange.put(payload);
    return payload.length;
  }

  private V8Value callWithTypedArray(String subject, byte[] payload) throws JavetException {
    try (V8ValueTypedArray bytes = typedArray(payload)) {
      return classic.call(null, subject, bytes);
    }
  }

  private V8ValueTypedArray typedArray(byte[] payload) throws JavetException {
    V8ValueTypedArray bytes = runtime.createV8ValueTypedArray(V8ValueReferenceType.Uint8Array, payload.length);
    if (payload.length > 0) {
      bytes.fromBytes(payload);
    }
    return bytes;
  }

  private V8Value callModule(String source, String subject, V8ValueTypedArray bytes) throws JavetException, FunctionException {
    try (V8Module module = runtime.getExecutor(source).setResourceName(MODULE_NAME).setModule(true).compileV8Module()) {
      try {
        module.instantiate();
        try (V8Value evaluated = settled(module.evaluate(true));
             V8ValueObject namespace = (V8ValueObject) module.getNamespace();
             V8Value exported = namespace.get("default")) {
          return settled(callModuleDefault.call(null, exported, subject, bytes));
        }
      } finally {
        runtime.removeV8Module(module);
      }
    }
  }

  /** A Promise's settled value (microtasks have run when a call returns: nothing else can settle it). */
  private V8Value settled(V8Value value) throws JavetException, FunctionException {
    if (!(value instanceof V8ValuePromise promise)) {
      return value;
    }
    try (promise) {
      runtime.await();
      int state = promise.getState();
      if (state == IV8ValuePromise.STATE_PENDING) {
        throw new FunctionException("the function's Promise never settled (nothing is left that could settle it)");
      }
      V8Value result = promise.getResult();
      if (state == IV8ValuePromise.STATE_REJECTED) {
        try (result) {
          throw new FunctionException("function threw " + describe(result) + " (in a Promise)");
        }
      }
      return result;
    }
  }

  /** Stops call {@code number} if it is running or about to; a call that already ended is left alone. Any thread. */
  void stop(long number) {
    synchronized (state) {
      if (running == number) {
        stopped = true;
        runtime.terminateExecution();
      } else if (running == 0 && number == calls) {
        stopRequested = number;
      }
    }
  }

  /** Stops whatever runs now, and every later call: the isolate is spent (undeploy, heap full). Any thread. */
  void stop() {
    synchronized (state) {
      stopped = true;
      if (running != 0) {
        runtime.terminateExecution();
      }
    }
  }

  void collectGarbage() {
    runtime.lowMemoryNotification();
  }

  /** False once told to stop or out of heap: such an isolate is closed, not reused. */
  boolean reusable() {
    synchronized (state) {
      return !stopped && !outOfMemory;
    }
  }

  @Override
  public void close() {
    closeQuietly(classic);
    closeQuietly(exchangeBuffer);
    closeQuietly(prepareClassic);
    closeQuietly(callModuleDefault);
    closeQuietly(reply);
    closeQuietly(entries);
    callbacks.forEach(runtime::removeCallbackContext);
    closeQuietly(runtime);
  }

  /** A call that V8 was told to end: by the time limit or undeploy, or by its heap filling up. */
  static final class Stopped extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean outOfMemory;

    Stopped(boolean outOfMemory) {
      super(null, null, false, false);
      this.outOfMemory = outOfMemory;
    }
  }

  private String describe(V8Value value) {
    try {
      if (value instanceof V8ValueObject object && object.has("message")) {
        return object.toString();
      }
      return value.toString();
    } catch (JavetException e) {
      return "a value that cannot be shown";
    }
  }

  private static FunctionException thrown(JavetScriptingError error) {
    int line = userLine(error);
    if (line == 0 && RUNTIME_NAME.equals(error.getResourceName()) && error.getMessage() != null) {
      // the runtime's own refusal of what the script gave it, e.g. not a function: no user code to point at
      return new FunctionException(error.getMessage());
    }
    return new FunctionException("function threw " + message(error) + (line > 0 ? " (line " + line + ")" : ""));
  }

  private static String message(JavetScriptingError error) {
    if (error.getDetailedMessage() != null) {
      return error.getDetailedMessage();
    }
    return String.valueOf(error.getContext()); // a thrown value that is not an Error
  }

  /**
   * The line in the user's source where it went wrong. An error thrown inside the runtime (a host
   * service refusing, say) is reported where the user's code called it: the first stack frame
   * outside nex-runtime.js. Frames of the classic script's per-call eval read
   * {@code at f (eval at ... (nex-runtime.js:..), <anonymous>:LINE:COL)}.
   */
  static int userLine(JavetScriptingError error) {
    if (!RUNTIME_NAME.equals(error.getResourceName())) {
      return Math.max(0, error.getLineNumber());
    }
    String stack = error.getStack();
    if (stack == null) {
      return 0;
    }
    for (String frame : stack.split("\n")) {
      String at = frame.strip();
      if (!at.startsWith("at ")) {
        continue;
      }
      String place = at.contains("eval at ") ? at.substring(at.lastIndexOf(", ") + 2) : at;
      if (place.contains(RUNTIME_NAME)) {
        continue;
      }
      Matcher position = POSITION.matcher(place);
      if (position.find()) {
        return Integer.parseInt(position.group(1));
      }
    }
    return 0;
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      if (closeable != null) {
        closeable.close();
      }
    } catch (Exception e) {
      // closing frees memory; a failure leaves nothing to do
    }
  }

  private static String runtimeScript() {
    try (InputStream in = V8Isolate.class.getResourceAsStream("nex-runtime.js")) {
      if (in == null) {
        throw new IllegalStateException("nex-runtime.js is missing from the agent's jar");
      }
      return new String(in.readAllBytes(), UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
