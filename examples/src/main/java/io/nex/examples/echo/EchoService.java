package io.nex.examples.echo;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * The echo service: answers every request on one subject with the request's own payload.
 *
 * <p>Usage: {@code java -jar echo-service.jar [subject]}; the server comes from {@code NATS_URL}.
 */
public final class EchoService {

  private static final String DEFAULT_URL = "nats://127.0.0.1:4222";
  private static final String DEFAULT_SUBJECT = "echo";

  private EchoService() {
  }

  public static void main(String[] args) throws InterruptedException {
    String subject = args.length > 0 ? args[0] : DEFAULT_SUBJECT;
    Map<String, String> env = System.getenv();
    String url = env.getOrDefault("NATS_URL", DEFAULT_URL);

    Connection nc;
    try {
      nc = Nats.connect(options(url, env));
    } catch (IOException e) {
      System.err.println("echo service: cannot connect to " + redact(url) + ": " + e.getMessage());
      System.exit(1);
      return;
    }

    nc.createDispatcher(msg -> {
      if (msg.getReplyTo() != null) {
        nc.publish(msg.getReplyTo(), msg.getData());
      }
    }).subscribe(subject);

    try {
      // The ready line is a promise that a request sent now is answered, so the server must have the SUB.
      nc.flush(Duration.ofSeconds(5));
    } catch (Exception e) {
      System.err.println("echo service: subscription not confirmed by " + redact(url) + ": " + e.getMessage());
      System.exit(1);
    }
    // Registered after the failure exits above, which must keep status 1, and before the ready line, after
    // which a SIGTERM may come at any moment.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      closeQuietly(nc);
      // Without this the JVM reports SIGTERM as exit 143, and Nex would count a requested stop as a failure.
      Runtime.getRuntime().halt(0);
    }));
    System.out.println("echo service listening on '" + subject + "' at " + redact(url));

    Thread.currentThread().join();
  }

  private static Options options(String url, Map<String, String> env) {
    Options.Builder builder = new Options.Builder()
        .server(url)
        .connectionName("echo-jar")
        // A service outlives network blips; Nex, not the workload, decides when it is over.
        .maxReconnects(-1)
        // jnats' default listener logs stack traces; a failed connect is reported once, as one line.
        .errorListener(new ErrorListener() { });
    if (env.containsKey("NATS_TOKEN")) {
      builder.token(env.get("NATS_TOKEN").toCharArray());
    } else if (env.containsKey("NATS_USER")) {
      builder.userInfo(env.get("NATS_USER"), env.getOrDefault("NATS_PASSWORD", ""));
    }
    return builder.build();
  }

  /** Drops {@code user:pass@} so a password in the URL never reaches the workload's logs. */
  static String redact(String url) {
    return url.replaceFirst("//[^@/]*@", "//");
  }

  private static void closeQuietly(Connection nc) {
    try {
      nc.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
