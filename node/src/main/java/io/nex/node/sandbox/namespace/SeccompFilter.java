package io.nex.node.sandbox.namespace;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The seccomp filter every process of a namespace sandbox runs under (bwrap loads it with
 * {@code --seccomp FD} just before it runs the sandbox's first program): a classic BPF program
 * that lets everything through except the kernel interfaces a workload has no business with and
 * that make up most of the kernel's attack surface from an unprivileged process, answered with
 * {@code EPERM}. Written here, not with libseccomp: about fifty instructions, x86_64 only.
 *
 * <p>Order of the checks: a foreign architecture (a 32-bit {@code int 0x80} call) or the x32 ABI
 * kills the process, since syscall numbers mean something else there; then the deny list;
 * {@code clone3} answers {@code ENOSYS}, because its flags sit behind a pointer a filter cannot
 * read and C libraries then fall back to {@code clone}; {@code clone} and {@code unshare} are
 * refused only with {@code CLONE_NEWUSER} (threads and processes still start; the other
 * namespace flags need capabilities the sandbox does not have).
 */
final class SeccompFilter {
  /** x86_64 syscall numbers ({@code asm/unistd_64.h}), with why each is denied. */
  static final Map<String, Integer> DENIED = denied();
  static final int CLONE = 56;
  static final int UNSHARE = 272;
  static final int CLONE3 = 435;
  static final int CLONE_NEWUSER = 0x10000000;

  static final int AUDIT_ARCH_X86_64 = 0xC000003E;
  static final int X32_SYSCALL_BIT = 0x40000000;
  static final int RET_KILL_PROCESS = 0x80000000;
  static final int RET_ERRNO = 0x00050000;
  static final int RET_ALLOW = 0x7FFF0000;
  static final int EPERM = 1;
  static final int ENOSYS = 38;

  // classic BPF opcodes (linux/bpf_common.h)
  private static final short LD_W_ABS = 0x20;
  private static final short JEQ_K = 0x15;
  private static final short JGE_K = 0x35;
  private static final short JSET_K = 0x45;
  private static final short RET_K = 0x06;

  // offsets into struct seccomp_data
  private static final int NR = 0;
  private static final int ARCH = 4;
  private static final int ARG0_LOW = 16;

  private SeccompFilter() {}

  private static Map<String, Integer> denied() {
    Map<String, Integer> d = new LinkedHashMap<>();
    // joining or tracing another process: the agent, whose memory and environment hold its seed
    d.put("ptrace", 101);
    d.put("process_vm_readv", 310);
    d.put("process_vm_writev", 311);
    d.put("kcmp", 312);
    d.put("setns", 308);
    // filesystems and mounts (the old and the new mount API)
    d.put("mount", 165);
    d.put("umount2", 166);
    d.put("pivot_root", 155);
    d.put("open_tree", 428);
    d.put("move_mount", 429);
    d.put("fsopen", 430);
    d.put("fsconfig", 431);
    d.put("fsmount", 432);
    d.put("fspick", 433);
    d.put("mount_setattr", 442);
    d.put("open_by_handle_at", 304);
    d.put("swapon", 167);
    d.put("swapoff", 168);
    d.put("quotactl", 179);
    d.put("acct", 163);
    // kernel modules, kexec, reboot
    d.put("init_module", 175);
    d.put("finit_module", 313);
    d.put("delete_module", 176);
    d.put("kexec_load", 246);
    d.put("kexec_file_load", 320);
    d.put("reboot", 169);
    // the clock is the host's
    d.put("settimeofday", 164);
    d.put("clock_settime", 227);
    d.put("clock_adjtime", 305);
    d.put("adjtimex", 159);
    // large, often-exploited kernel interfaces no workload of ours needs
    d.put("keyctl", 250);
    d.put("add_key", 248);
    d.put("request_key", 249);
    d.put("bpf", 321);
    d.put("perf_event_open", 298);
    d.put("userfaultfd", 323);
    d.put("io_uring_setup", 425);
    d.put("io_uring_enter", 426);
    d.put("io_uring_register", 427);
    d.put("iopl", 172);
    d.put("ioperm", 173);
    d.put("syslog", 103);
    return Map.copyOf(d);
  }

  /** The program for this host, or empty where it is not x86_64 (no filter is loaded there). */
  static Optional<byte[]> forThisHost() {
    String arch = System.getProperty("os.arch", "");
    return arch.equals("amd64") || arch.equals("x86_64") ? Optional.of(program()) : Optional.empty();
  }

  /** {@code struct sock_filter[]} as bwrap reads it: 8 bytes per instruction, native (little) endian. */
  static byte[] program() {
    List<Integer> denied = DENIED.values().stream().sorted().toList();
    int n = denied.size();
    // layout: 0 ld arch, 1 jeq arch, 2 ld nr, 3 jge x32, 4..4+n-1 deny, then clone3, clone,
    // unshare, allow, ld arg0, jset newuser, allow, eperm, enosys, kill
    int clone3At = 4 + n;
    int argsAt = clone3At + 4;
    int epermAt = argsAt + 3;
    int enosysAt = epermAt + 1;
    int killAt = enosysAt + 1;
    ByteBuffer out = ByteBuffer.allocate((killAt + 1) * 8).order(ByteOrder.LITTLE_ENDIAN);
    at(out, 0, LD_W_ABS, 0, 0, ARCH);
    at(out, 1, JEQ_K, 0, killAt - 2, AUDIT_ARCH_X86_64);
    at(out, 2, LD_W_ABS, 0, 0, NR);
    at(out, 3, JGE_K, killAt - 4, 0, X32_SYSCALL_BIT);
    for (int i = 0; i < n; i++) {
      int pc = 4 + i;
      at(out, pc, JEQ_K, epermAt - pc - 1, 0, denied.get(i));
    }
    at(out, clone3At, JEQ_K, enosysAt - clone3At - 1, 0, CLONE3);
    at(out, clone3At + 1, JEQ_K, argsAt - clone3At - 2, 0, CLONE);
    at(out, clone3At + 2, JEQ_K, argsAt - clone3At - 3, 0, UNSHARE);
    at(out, clone3At + 3, RET_K, 0, 0, RET_ALLOW);
    at(out, argsAt, LD_W_ABS, 0, 0, ARG0_LOW);
    at(out, argsAt + 1, JSET_K, epermAt - argsAt - 2, 0, CLONE_NEWUSER);
    at(out, argsAt + 2, RET_K, 0, 0, RET_ALLOW);
    at(out, epermAt, RET_K, 0, 0, RET_ERRNO | EPERM);
    at(out, enosysAt, RET_K, 0, 0, RET_ERRNO | ENOSYS);
    at(out, killAt, RET_K, 0, 0, RET_KILL_PROCESS);
    return out.array();
  }

  private static void at(ByteBuffer out, int pc, short code, int jt, int jf, int k) {
    if (jt > 255 || jf > 255) {
      throw new IllegalStateException("a jump of the seccomp filter is out of range at " + pc);
    }
    out.position(pc * 8);
    out.putShort(code).put((byte) jt).put((byte) jf).putInt(k);
  }
}
