package io.nex.agent.function;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Consumer;

/**
 * A {@code javascript} (Nex: {@code v8}) function on V8. Each call runs in an isolate of the
 * function's own, one call at a time per isolate: the first is made at deploy (it compiles the
 * source, so a syntax error is refused there), more as calls overlap, up to as many as
 * {@link Invocations} runs at once. An isolate that was stopped (time limit, undeploy) or ran out
 * of heap is closed and replaced, so the next call gets a whole one.
 */
final class JavaScriptRunner implements FunctionRunner {
  private final String source;
  private final ScriptForm form;
  private final HostServices hostServices;
  private final Consumer<String> logLine;
  private final Invocations invocations;
  private final ConcurrentLinkedDeque<V8Isolate> idle = new ConcurrentLinkedDeque<>();
  private final Set<V8Isolate> busy = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private JavaScriptRunner(String source, ScriptForm form, V8Isolate first, FunctionLimits limits,
      HostServices hostServices, Consumer<String> logLine) {
    this.source = source;
    this.form = form;
    this.hostServices = hostServices;
    this.logLine = logLine;
    this.invocations = new Invocations(limits.timeout());
    idle.push(first);
  }

  static JavaScriptRunner create(byte[] artifact, FunctionLimits limits, HostServices hostServices,
      Consumer<String> logLine) throws FunctionException {
    String source = decode(artifact, limits);
    return start(source, V8Isolate.start(hostServices, logLine), limits, hostServices, logLine);
  }

  /**
   * The function of {@code source} (decoded already), whose first isolate is {@code first}, bound
   * to these host services and this log; {@code first} is closed if the source is refused.
   */
  static JavaScriptRunner start(String source, V8Isolate first, FunctionLimits limits, HostServices hostServices,
      Consumer<String> logLine) throws FunctionException {
    try {
      ScriptForm form = ScriptForm.of(source, first);
      first.prepare(form, source);
      return new JavaScriptRunner(source, form, first, limits, hostServices, logLine);
    } catch (FunctionException refused) {
      first.close();
      throw refused;
    }
  }

  /** The script's text, refused if it is too big or not UTF-8. */
  static String decode(byte[] artifact, FunctionLimits limits) throws FunctionException {
    if (artifact.length > limits.maxScriptBytes()) {
      throw new FunctionException("script is " + artifact.length + " bytes; the limit is " + limits.maxScriptBytes()
          + " bytes");
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(artifact))
          .toString();
    } catch (CharacterCodingException e) {
      throw new FunctionException("script is not UTF-8 text");
    }
  }

  /** Classic script or ES module, as {@link ScriptForm} decided at deploy. */
  ScriptForm form() {
    return form;
  }

  @Override
  public CompletableFuture<byte[]> start(String triggerSubject, byte[] payload) {
    return invocations.start((deadline, stop) -> runOnce(stop, triggerSubject, payload));
  }

  @Override
  public CompletableFuture<byte[]> runHere(String triggerSubject, byte[] payload) {
    return invocations.runHere((deadline, stop) -> runOnce(stop, triggerSubject, payload));
  }

  private byte[] runOnce(Invocations.Stop stop, String subject, byte[] payload) throws FunctionException {
    V8Isolate isolate = take();
    long call = isolate.nextCall();
    stop.onDeadline(() -> isolate.stop(call));
    try {
      return isolate.call(call, form, source, subject, payload);
    } catch (V8Isolate.Stopped stopped) {
      throw stopped.outOfMemory
          ? new FunctionException("function ran out of memory (V8 heap cap " + V8Engine.HEAP_MIB + " MiB)")
          : invocations.stopped();
    } finally {
      giveBack(isolate);
    }
  }

  private V8Isolate take() throws FunctionException {
    if (closed) {
      throw new FunctionException("function is undeployed");
    }
    V8Isolate isolate = idle.poll();
    if (isolate == null) {
      isolate = V8Isolate.start(hostServices, logLine);
    }
    busy.add(isolate);
    if (closed) {
      isolate.stop(); // close() may have missed it
    }
    return isolate;
  }

  private void giveBack(V8Isolate isolate) {
    busy.remove(isolate);
    if (isolate.reusable() && !closed) {
      idle.push(isolate);
      if (closed && idle.remove(isolate)) {
        isolate.close(); // close() emptied the idle ones just before this one came back
      }
      return;
    }
    isolate.close();
  }

  /** Has each idle isolate collect all its garbage now (V8 otherwise keeps freed heap for a while). */
  void collectGarbage() {
    idle.forEach(V8Isolate::collectGarbage);
  }

  @Override
  public void close() {
    closed = true;
    invocations.close();
    busy.forEach(V8Isolate::stop);
    for (V8Isolate isolate; (isolate = idle.poll()) != null; ) {
      isolate.close();
    }
  }
}
