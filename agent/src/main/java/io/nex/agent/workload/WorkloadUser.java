package io.nex.agent.workload;

import io.nex.api.agent.AgentMetadata;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The user a service workload runs as when its sandbox keeps it apart from the agent (the
 * namespace sandbox: {@link AgentMetadata#ENV_WORKLOAD_UID}). Another uid cannot read the agent's
 * environment (its seed) or memory, signal it or trace it. The agent holds just the capabilities
 * to start a process as that uid and to stop it (setuid, setgid, setpcap, kill); setpriv drops
 * every one of them, bounding set included, before the workload runs, and the sandbox's
 * no_new_privs keeps them from coming back.
 *
 * @param home the workload's working directory, the one place in the sandbox's disk it may write
 */
public record WorkloadUser(int uid, Path home) {
  /** Where the sandbox says so, the user in the agent's environment; elsewhere none. */
  public static Optional<WorkloadUser> fromEnvironment(Map<String, String> env, Path workDir) {
    String uid = env.get(AgentMetadata.ENV_WORKLOAD_UID);
    if (uid == null || uid.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(new WorkloadUser(Integer.parseInt(uid.trim()), workDir.resolve(AgentMetadata.WORKLOAD_HOME)));
  }

  /** What the workload's command line starts with: setpriv to this user, no capabilities left. */
  List<String> commandPrefix() {
    String id = Integer.toString(uid);
    return List.of("setpriv", "--reuid", id, "--regid", id, "--clear-groups", "--inh-caps", "-all",
        "--ambient-caps", "-all", "--bounding-set", "-all", "--");
  }
}
