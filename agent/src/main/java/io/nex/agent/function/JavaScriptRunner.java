package io.nex.agent.function;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.EcmaError;
import org.mozilla.javascript.EvaluatorException;
import org.mozilla.javascript.Function;
import org.mozilla.javascript.JavaScriptException;
import org.mozilla.javascript.RhinoException;
import org.mozilla.javascript.Script;
import org.mozilla.javascript.ScriptRuntime;
import org.mozilla.javascript.Scriptable;
import org.mozilla.javascript.ScriptableObject;
import org.mozilla.javascript.WrappedException;

/**
 * A {@code javascript} (Nex: {@code v8}) function on Rhino. The source is compiled once; each
 * invocation evaluates it in a brand-new global scope, so nothing a call leaves behind is seen by
 * the next, and calls the function it evaluates to with {@code (subject, payload)}, payload a
 * Uint8Array. The return value is JSON-encoded as the reply, as Nex does.
 *
 * <p>The built-ins ({@code Object}, {@code Array}, ..., and ours: {@code console},
 * {@code TextEncoder}, {@code TextDecoder}, {@code hostServices}) are made once per runner and
 * sealed; each call's global scope is a fresh object whose prototype is that sealed scope. Its
 * own globals die with it, and a change to a built-in fails (a TypeError the script may catch)
 * instead of reaching the next call. Building the built-ins per call cost more than the whole
 * rest of a small call.
 */
final class JavaScriptRunner implements FunctionRunner {
  private static final String SOURCE_NAME = "function.js";

  private final ScriptContexts contexts;
  private final Script script;
  private final ScriptableObject builtIns;
  private final Invocations invocations;

  private JavaScriptRunner(ScriptContexts contexts, Script script, ScriptableObject builtIns, FunctionLimits limits) {
    this.contexts = contexts;
    this.script = script;
    this.builtIns = builtIns;
    this.invocations = new Invocations("nex-function-js", limits.timeout());
  }

  static JavaScriptRunner create(byte[] artifact, FunctionLimits limits, HostServices hostServices,
      Consumer<String> logLine) throws FunctionException {
    if (artifact.length > limits.maxScriptBytes()) {
      throw new FunctionException("script is " + artifact.length + " bytes; the limit is " + limits.maxScriptBytes()
          + " bytes");
    }
    String source;
    try {
      source = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(artifact))
          .toString();
    } catch (CharacterCodingException e) {
      throw new FunctionException("script is not UTF-8 text");
    }
    ScriptContexts contexts = new ScriptContexts();
    Context cx = contexts.enterContext();
    try {
      Script script = cx.compileString(source, SOURCE_NAME, 1, null);
      return new JavaScriptRunner(contexts, script, SealedBuiltIns.create(cx, hostServices, logLine), limits);
    } catch (EvaluatorException e) {
      throw new FunctionException("script syntax error at line " + e.lineNumber() + ": " + e.details());
    } finally {
      Context.exit();
    }
  }

  @Override
  public CompletableFuture<byte[]> start(String triggerSubject, byte[] payload) {
    return invocations.start(deadline -> runOnce(deadline, triggerSubject, payload));
  }

  private byte[] runOnce(long deadline, String subject, byte[] payload) throws FunctionException {
    Context cx = contexts.enter(deadline);
    try {
      Scriptable scope = SealedBuiltIns.callScope(builtIns);
      Object exported = script.exec(cx, scope, scope);
      if (!(exported instanceof Function function)) {
        throw new FunctionException("the script must evaluate to a function (subject, payload); it evaluated to "
            + ScriptRuntime.typeof(exported));
      }
      Object result = function.call(cx, scope, scope, new Object[] {subject, JsBytes.uint8Array(cx, scope, payload)});
      return JsBytes.json(cx, scope, result);
    } catch (ScriptContexts.Stopped e) {
      throw invocations.stopped();
    } catch (JavaScriptException e) {
      throw new FunctionException("function threw " + e.details() + at(e));
    } catch (WrappedException e) {
      throw new FunctionException("function failed: " + e.getWrappedException() + at(e));
    } catch (EcmaError | EvaluatorException e) {
      throw new FunctionException("function failed: " + e.details() + at(e));
    } catch (RhinoException e) {
      throw new FunctionException("function failed: " + e.getMessage());
    } finally {
      Context.exit();
    }
  }

  private static String at(RhinoException e) {
    return e.lineNumber() > 0 ? " (line " + e.lineNumber() + ")" : "";
  }

  @Override
  public void close() {
    invocations.close();
  }
}
