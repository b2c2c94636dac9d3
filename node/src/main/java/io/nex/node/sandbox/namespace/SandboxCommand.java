package io.nex.node.sandbox.namespace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command line of a namespace sandbox, outermost first:
 * <ol>
 *   <li>{@code sh} writes its own pid into the sandbox's cgroups, then becomes bwrap, so nothing
 *       of the sandbox ever runs outside its limits;</li>
 *   <li>bwrap makes new mount, pid, ipc, uts, network (loopback only) and cgroup namespaces and
 *       the filesystem of {@link MountPlan}; its pid 1 reaps orphans and exits once the last
 *       process inside is gone;</li>
 *   <li>bwrap loads the {@link SeccompFilter} (from fd 3, which the first shell opens) for
 *       everything that runs inside;</li>
 *   <li>setpriv drops from root to the agent's user, keeping only what starting and stopping a
 *       workload as the workload's user takes ({@link #AGENT_CAPS}; bwrap has already set
 *       no_new_privs, so no setuid program gives more back);</li>
 *   <li>{@code sh} starts a socat per allowed port on the sandbox's loopback, waits until each
 *       listens (read from the namespace's own {@code /proc/net/tcp}, at most a second), then
 *       runs the agent, which keeps the node's stdin pipe (socat gets /dev/null). When the agent
 *       exits, the shell SIGKILLs every other process of the sandbox user and exits with the
 *       agent's code. Without this, bwrap's pid 1 would wait for the last orphan (socat, a
 *       workload that daemonized) and the sandbox would outlive its agent.</li>
 * </ol>
 * {@code --die-with-parent}: when the node dies, even by SIGKILL, the kernel kills bwrap (its
 * parent-death signal ties it to the thread that spawned it, and {@code TiedProcess} spawns
 * from one thread that lives as long as the node) and with it the sandbox's pid namespace, all
 * of it at once, instead of waiting for the agent to read end-of-file on its stdin and wind down.
 */
final class SandboxCommand {
  static final String PATH = "/usr/local/bin:/usr/bin:/bin";
  /**
   * The agent's capabilities, inherited and ambient so they survive its exec: setuid and setgid
   * to become the workload's user, setpcap to empty the workload's bounding set, kill to stop it.
   * Its bounding set holds only these, so nothing inside can ever get more.
   */
  static final String AGENT_CAPS = "+setuid,+setgid,+setpcap,+kill";
  /** The fd bwrap reads the seccomp filter from. */
  private static final String FILTER_FD = "3";

  private static final String JOIN_CGROUPS = "filter=$1; shift; "
      + "while [ \"$1\" != -- ]; do echo $$ > \"$1\" || exit 125; shift; done; shift; "
      + "if [ -n \"$filter\" ]; then exec \"$@\" " + FILTER_FD + "<\"$filter\"; fi; exec \"$@\"";
  // each socat must be listening before the agent runs: a workload may not retry its first connection
  private static final String RUN_INSIDE = "socat=$1; shift; ports=; "
      + "while [ \"$1\" != -- ]; do "
      + "\"$socat\" -lp nex-bridge TCP-LISTEN:\"$1\",bind=127.0.0.1,reuseaddr,nodelay,fork,max-children="
      + LoopbackBridge.MAX_CONNECTIONS + " UNIX-CONNECT:" + HostSide.SOCKETS_INSIDE + "/\"$1\".sock </dev/null & "
      + "ports=\"$ports $1\"; shift; done; shift; "
      + "for p in $ports; do hex=$(printf %04X \"$p\"); n=0; "
      + "while [ $n -lt 500 ] && ! grep -q \"0100007F:$hex 00000000:0000 0A\" /proc/net/tcp; do "
      + "sleep 0.002; n=$((n + 1)); done; done; "
      + "\"$@\"; code=$?; kill -9 -1 2>/dev/null; exit $code";

  private SandboxCommand() {}

  static List<String> of(Programs programs, List<Path> cgroupProcs, List<String> bwrapMounts, String sandboxId,
      SandboxUser user, Path workDir, List<Integer> ports, Optional<Path> seccompFilter, List<String> inner) {
    List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", JOIN_CGROUPS, "sh",
        seccompFilter.map(Path::toString).orElse("")));
    cgroupProcs.forEach(procs -> command.add(procs.toString()));
    command.add("--");

    command.addAll(List.of(programs.bwrap().toString(),
        "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
        "--new-session", "--die-with-parent", "--hostname", sandboxId));
    if (seccompFilter.isPresent()) {
      command.addAll(List.of("--seccomp", FILTER_FD));
    }
    command.addAll(bwrapMounts);
    command.addAll(List.of("--chdir", workDir.toString(), "--"));

    String uid = Integer.toString(user.uid());
    command.addAll(List.of(programs.setpriv().toString(), "--reuid", uid, "--regid", uid, "--clear-groups",
        "--inh-caps", "-all," + AGENT_CAPS, "--ambient-caps", AGENT_CAPS, "--bounding-set", "-all," + AGENT_CAPS,
        "--"));

    command.addAll(List.of("/bin/sh", "-c", RUN_INSIDE, "sh", programs.socat().toString()));
    ports.forEach(port -> command.add(Integer.toString(port)));
    command.add("--");
    command.addAll(inner);
    return command;
  }
}
