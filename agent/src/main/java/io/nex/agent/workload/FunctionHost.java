package io.nex.agent.workload;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nex.agent.function.FunctionException;
import io.nex.agent.function.FunctionRunner;
import io.nex.api.Subjects;
import io.nex.api.agent.FunctionHeaders;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A function workload: each {@code agentint.{id}.trigger} runs it once, and the reply carries its
 * output and run time, or the error. Runs go to a small pool so that one slow invocation does not
 * hold up the others (each invocation gets a fresh context or instance).
 */
final class FunctionHost {
  private final Connection connection;
  private final FunctionRunner runner;
  private final ExecutorService workers;
  private final Dispatcher dispatcher;

  FunctionHost(Connection connection, String sandboxId, FunctionRunner runner) {
    this.connection = connection;
    this.runner = runner;
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    this.workers = Executors.newFixedThreadPool(threads, r -> {
      Thread thread = new Thread(r, "function");
      thread.setDaemon(true);
      return thread;
    });
    this.dispatcher = connection.createDispatcher(msg -> workers.execute(() -> invoke(msg)));
    dispatcher.subscribe(Subjects.agentTrigger(sandboxId));
  }

  private void invoke(Message trigger) {
    String subject = trigger.getHeaders() == null ? null
        : trigger.getHeaders().getFirst(FunctionHeaders.TRIGGER_SUBJECT);
    long started = System.nanoTime();
    Headers headers = new Headers();
    byte[] output;
    try {
      output = runner.invoke(subject == null ? "" : subject, trigger.getData() == null ? new byte[0] : trigger.getData());
      headers.put(FunctionHeaders.RUNTIME_NS, Long.toString(System.nanoTime() - started));
    } catch (FunctionException e) {
      headers.put(FunctionHeaders.ERROR, e.getMessage());
      output = new byte[0];
    } catch (RuntimeException e) {
      headers.put(FunctionHeaders.ERROR, "function failed: " + e);
      output = new byte[0];
    }
    if (trigger.getReplyTo() != null) {
      connection.publish(trigger.getReplyTo(), headers, output == null ? new byte[0] : output);
    }
  }

  void stop() {
    if (connection.getStatus() == Connection.Status.CONNECTED) {
      connection.closeDispatcher(dispatcher);
    }
    workers.shutdownNow();
    try {
      workers.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    runner.close();
  }
}
