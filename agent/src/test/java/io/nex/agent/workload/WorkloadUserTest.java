package io.nex.agent.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.nex.api.WorkloadType;
import io.nex.api.agent.AgentMetadata;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Where the sandbox names a workload uid, the workload starts as that user, with nothing kept, in its home. */
class WorkloadUserTest {
  private static final Path WORK = Path.of("/sandboxes/s1");

  @Test
  void aServiceStartsThroughSetprivAsTheWorkloadsUserInItsHome() {
    Optional<WorkloadUser> user = WorkloadUser.fromEnvironment(Map.of(AgentMetadata.ENV_WORKLOAD_UID, "1234567890"), WORK);
    ProcessBuilder builder = WorkloadCommand.forService(WorkloadType.NATIVE, WORK.resolve("workload"), List.of("a"),
        Map.of("k", "v"), 64, WORK, user);

    assertThat(builder.command()).containsExactly("setpriv", "--reuid", "1234567890", "--regid", "1234567890",
        "--clear-groups", "--inh-caps", "-all", "--ambient-caps", "-all", "--bounding-set", "-all", "--",
        "/sandboxes/s1/workload", "a");
    assertThat(builder.directory()).isEqualTo(WORK.resolve("home").toFile());
    assertThat(builder.environment()).containsExactly(Map.entry("K", "v"));
  }

  @Test
  void withoutOneTheWorkloadRunsAsTheAgentInItsDirectory() {
    Optional<WorkloadUser> user = WorkloadUser.fromEnvironment(Map.of(), WORK);
    ProcessBuilder builder = WorkloadCommand.forService(WorkloadType.NATIVE, WORK.resolve("workload"), List.of(),
        Map.of(), 64, WORK, user);

    assertThat(user).isEmpty();
    assertThat(builder.command()).containsExactly("/sandboxes/s1/workload");
    assertThat(builder.directory()).isEqualTo(WORK.toFile());
  }
}
