package io.nex.cli;

import io.nex.api.trace.TraceParent;
import picocli.CommandLine.Option;

/**
 * {@code --trace}: the command's requests always carry a W3C trace context of their own (a node
 * that traces continues it); with the option the trace id is printed on stderr first, so that it
 * can be looked up in the node's traces while stdout stays the command's output.
 */
public final class TraceOption {
  @Option(names = "--trace", description = "print the trace id this command's requests carry (stderr)")
  boolean print;

  /** The context for this command's requests, announced if asked for. */
  public TraceParent start() {
    TraceParent trace = TraceParent.newTrace();
    if (print) {
      System.err.println("trace id: " + trace.traceId());
    }
    return trace;
  }
}
