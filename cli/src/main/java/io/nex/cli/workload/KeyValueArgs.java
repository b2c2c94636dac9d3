package io.nex.cli.workload;

import io.nex.cli.CliException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code K=V} arguments, the environment of a deploy. */
final class KeyValueArgs {
  private KeyValueArgs() {}

  static Map<String, String> parse(List<String> args) {
    Map<String, String> env = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        // not echoed back: a mistyped argument may well be a secret
        throw new CliException("environment arguments are K=V; argument " + (i + 1) + " is not");
      }
      env.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    return env;
  }
}
