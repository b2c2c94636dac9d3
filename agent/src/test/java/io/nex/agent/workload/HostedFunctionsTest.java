package io.nex.agent.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.nex.api.Json;
import io.nex.api.agent.AddFunctionRequest;
import io.nex.api.agent.DeployAck;
import io.nex.api.agent.RemoveFunctionRequest;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A function host's adds and removes, as either way to the agent hands them over (the internal
 * server or the trigger socket). These cases refuse before any function is made, so the host
 * needs no connection.
 */
class HostedFunctionsTest {
  @TempDir Path dir;

  private static DeployAck answer(Consumer<Consumer<DeployAck>> call) {
    AtomicReference<DeployAck> answer = new AtomicReference<>();
    call.accept(answer::set);
    return answer.get();
  }

  @Test
  void anAddThatComesAfterItsRemoveIsRefusedNotLeftRunningUnknownToTheNode() {
    HostedFunctions host = new HostedFunctions(null, "sandbox1", dir, new SandboxUse());
    byte[] remove = Json.write(new RemoveFunctionRequest("F1"));
    byte[] add = Json.write(new AddFunctionRequest("F1", null));

    assertThat(answer(a -> host.remove(remove, a))).isEqualTo(new DeployAck(true, "Function removed"));
    assertThat(answer(a -> host.add(add, a)))
        .isEqualTo(new DeployAck(false, "function F1 was removed before it was added"));
    assertThat(answer(a -> host.add(add, a)).message())
        .as("only that once: a new add of the id is judged on its own")
        .isEqualTo("add function request lacks a function id, a hash or a workload name");
  }

  @Test
  void nonsenseIsAnsweredWithTheReason() {
    HostedFunctions host = new HostedFunctions(null, "sandbox1", dir, new SandboxUse());
    DeployAck ack = answer(a -> host.add("{".getBytes(), a));
    assertThat(ack.accepted()).isFalse();
    assertThat(ack.message()).isNotBlank();
  }
}
