package io.nex.agent.workload;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nex.agent.function.FunctionException;
import io.nex.agent.function.FunctionRunner;
import io.nex.api.Subjects;
import io.nex.api.agent.FunctionHeaders;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;

/**
 * A function workload: each {@code agentint.{id}.trigger} runs it once, and the reply carries its
 * output and run time, or the error. Invocations are independent (each gets a fresh context or
 * instance), so several run at once; the dispatcher only starts them, and the worker that
 * finishes one sends its reply. At most {@link #IN_FLIGHT} run at a time, so that a burst of
 * triggers cannot hold more instances in memory than the agent's heap takes; further triggers
 * wait in the dispatcher's queue.
 */
final class FunctionHost {
  static final int IN_FLIGHT = 2 * Math.max(2, Runtime.getRuntime().availableProcessors());
  private static final byte[] NO_OUTPUT = new byte[0];

  private final Connection connection;
  private final FunctionRunner runner;
  private final Dispatcher dispatcher;
  private final Semaphore slots = new Semaphore(IN_FLIGHT);

  FunctionHost(Connection connection, String sandboxId, FunctionRunner runner) {
    this.connection = connection;
    this.runner = runner;
    this.dispatcher = connection.createDispatcher(this::start);
    dispatcher.subscribe(Subjects.agentTrigger(sandboxId));
  }

  private void start(Message trigger) throws InterruptedException {
    String subject = trigger.getHeaders() == null ? null
        : trigger.getHeaders().getFirst(FunctionHeaders.TRIGGER_SUBJECT);
    slots.acquire();
    long started = System.nanoTime();
    runner.start(subject == null ? "" : subject, trigger.getData() == null ? NO_OUTPUT : trigger.getData())
        .whenComplete((output, failure) -> {
          slots.release();
          reply(trigger, started, output, failure);
        });
  }

  private void reply(Message trigger, long started, byte[] output, Throwable failure) {
    if (trigger.getReplyTo() == null) {
      return;
    }
    Headers headers = new Headers();
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause == null) {
      headers.put(FunctionHeaders.RUNTIME_NS, Long.toString(System.nanoTime() - started));
    } else if (cause instanceof FunctionException) {
      headers.put(FunctionHeaders.ERROR, cause.getMessage());
    } else {
      headers.put(FunctionHeaders.ERROR, "function failed: " + cause);
    }
    connection.publish(trigger.getReplyTo(), headers, cause != null || output == null ? NO_OUTPUT : output);
  }

  void stop() {
    if (connection.getStatus() == Connection.Status.CONNECTED) {
      connection.closeDispatcher(dispatcher);
    }
    runner.close();
  }
}
