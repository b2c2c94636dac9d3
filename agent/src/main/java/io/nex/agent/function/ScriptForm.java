package io.nex.agent.function;

/**
 * The two shapes a JavaScript function comes in. A source is a module if it compiles only as one
 * (it has top-level {@code import} or {@code export}); anything else is a classic script.
 */
enum ScriptForm {
  /** A script whose completion value is the function {@code (subject, payload) => …} (Nex's form). */
  CLASSIC,
  /** An ES module whose default export is that function, or returns it (Nex's bundles). */
  MODULE;

  /** Decides the form with V8 itself, and refuses a source that compiles as neither. */
  static ScriptForm of(String source, V8Isolate isolate) throws FunctionException {
    try {
      isolate.compile(source, CLASSIC);
      return CLASSIC;
    } catch (FunctionException notAScript) {
      try {
        isolate.compile(source, MODULE);
        return MODULE;
      } catch (FunctionException notAModule) {
        // report as a script unless only module syntax could explain it
        throw mentionsModules(notAScript.getMessage()) ? notAModule : notAScript;
      }
    }
  }

  private static boolean mentionsModules(String reason) {
    return reason.contains("import") || reason.contains("export") || reason.contains("module");
  }
}
