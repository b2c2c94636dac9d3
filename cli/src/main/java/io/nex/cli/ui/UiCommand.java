package io.nex.cli.ui;

import io.nex.cli.GlobalOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nex ui}: a live web view of the fleet, served until Ctrl-C. */
@Command(name = "ui", mixinStandardHelpOptions = true,
    description = "Serve a live web view of the fleet: nodes, workloads, events, logs")
public final class UiCommand implements Callable<Integer> {
  /** How often the pages get the events gathered meanwhile, and the function counters. */
  private static final long EVENT_FLUSH_MS = 250;
  private static final long FUNCTIONS_MS = 1000;

  @Mixin GlobalOptions global;

  @Option(names = "--port", defaultValue = "8080", description = "port to serve on (0: any free one; default ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--listen", defaultValue = "127.0.0.1",
      description = "address to serve on (default ${DEFAULT-VALUE}: this machine only)")
  String listen;

  @Option(names = "--issuer", description = "issuer account seed file the stop button signs with (default ~/.nex/issuer.nk)")
  Path issuer;

  @Override
  public Integer call() throws InterruptedException {
    Hub hub = new Hub();
    LogTails logs = new LogTails();
    FunctionStats functions = new FunctionStats();
    ControlPlaneLink link = ControlPlaneLink.open(global, hub);
    FleetWatch fleet = new FleetWatch(link, global.namespace, hub);
    EventFeed feed = new EventFeed(global.namespace, hub, fleet, functions, logs);
    UiServer server = UiServer.start(listen, port, hub, logs, new FleetActions(link, global.namespace, issuer, fleet));
    ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("nex-ui-ticks"));
    link.whenConnected(feed::follow);
    link.onReconnect(fleet::reconnected);
    fleet.start();
    ticks.scheduleAtFixedRate(feed::flush, EVENT_FLUSH_MS, EVENT_FLUSH_MS, TimeUnit.MILLISECONDS);
    ticks.scheduleAtFixedRate(() -> hub.state("functions", functions.view(Instant.now().getEpochSecond())),
        0, FUNCTIONS_MS, TimeUnit.MILLISECONDS);

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      hub.closeAll();
      logs.closeAll();
      server.close();
      ticks.shutdownNow();
      fleet.close();
      link.close();
      stopped.countDown();
    }, "nex-ui-shutdown"));
    System.out.println("Nex UI: " + server.url() + " (namespace " + global.namespace + ", control plane "
        + global.server + "; Ctrl-C to stop)");
    System.out.flush();
    stopped.await();
    return 0;
  }
}
