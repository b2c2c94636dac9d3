package io.nex.cli;

import io.nats.client.Message;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** A plain NATS request, for trying a deployed service without another tool (ours; Nex users reach for `nats req`). */
@Command(name = "req", aliases = "request", mixinStandardHelpOptions = true,
    description = "Send a NATS request and print the reply (e.g. nex req echo hello)")
public final class RequestCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;
  @Mixin TraceOption trace;

  @Parameters(index = "0", paramLabel = "SUBJECT") String subject;
  @Parameters(index = "1", paramLabel = "PAYLOAD", defaultValue = "") String payload;

  @Override
  public Integer call() throws InterruptedException {
    try (ControlPlaneClient client = ControlPlaneClient.connect(global).traced(trace.start())) {
      Message reply;
      try {
        reply = client.connection().request(subject, client.traceHeaders(), payload.getBytes(StandardCharsets.UTF_8),
            global.timeout);
      } catch (IllegalStateException e) {
        throw new CliException("no responders on " + subject);
      }
      if (reply == null) {
        throw new CliException("no reply on " + subject + " within " + global.timeout.toMillis() + " ms");
      }
      System.out.println(new String(reply.getData(), StandardCharsets.UTF_8));
    }
    return 0;
  }
}
