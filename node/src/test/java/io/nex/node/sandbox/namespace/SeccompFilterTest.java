package io.nex.node.sandbox.namespace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The filter's decisions, by running its program in a small classic-BPF interpreter (the few
 * instructions it uses), and its syscall numbers against the host's kernel headers. That the
 * kernel loads it and enforces it is tested from inside real sandboxes ({@code WorkloadWallsTest}).
 */
class SeccompFilterTest {
  private static final int ALLOW = SeccompFilter.RET_ALLOW;
  private static final int EPERM = SeccompFilter.RET_ERRNO | SeccompFilter.EPERM;

  @Test
  void everyDeniedCallIsRefusedWithEperm() {
    SeccompFilter.DENIED.forEach((name, nr) -> assertThat(run(nr, 0)).as(name).isEqualTo(EPERM));
  }

  @Test
  void ordinaryCallsPass() {
    // read, write, openat, mmap, futex, execve, exit_group, clock_gettime, kill, setresuid
    for (int nr : new int[] {0, 1, 257, 9, 202, 59, 231, 228, 62, 117}) {
      assertThat(run(nr, 0)).as("syscall %d", nr).isEqualTo(ALLOW);
    }
  }

  @Test
  void newUserNamespacesAreRefusedButThreadsAndProcessesStart() {
    int threadFlags = 0x003D0F00; // what glibc's pthread_create passes to clone
    assertThat(run(SeccompFilter.CLONE, threadFlags)).isEqualTo(ALLOW);
    assertThat(run(SeccompFilter.CLONE, 17 /* SIGCHLD: fork */)).isEqualTo(ALLOW);
    assertThat(run(SeccompFilter.CLONE, 17 | SeccompFilter.CLONE_NEWUSER)).isEqualTo(EPERM);
    assertThat(run(SeccompFilter.UNSHARE, SeccompFilter.CLONE_NEWUSER | 0x00020000)).isEqualTo(EPERM);
    assertThat(run(SeccompFilter.UNSHARE, 0x00000200 /* CLONE_FS */)).isEqualTo(ALLOW);
    assertThat(run(SeccompFilter.CLONE3, 0)).as("clone3 sends libc back to clone")
        .isEqualTo(SeccompFilter.RET_ERRNO | SeccompFilter.ENOSYS);
  }

  @Test
  void anotherArchitectureOrTheX32AbiIsKilled() {
    assertThat(run(0x40000003 /* AUDIT_ARCH_I386 */, 1, 0)).isEqualTo(SeccompFilter.RET_KILL_PROCESS);
    assertThat(run(SeccompFilter.X32_SYSCALL_BIT | 1, 0)).isEqualTo(SeccompFilter.RET_KILL_PROCESS);
  }

  @Test
  void syscallNumbersAreTheKernelHeadersOnes() throws Exception {
    Path header = Path.of("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");
    assumeTrue(Files.isReadable(header), "no x86_64 kernel headers here");
    Matcher m = Pattern.compile("#define __NR_(\\w+) (\\d+)").matcher(Files.readString(header));
    Map<String, Integer> numbers = new java.util.HashMap<>();
    while (m.find()) {
      numbers.put(m.group(1), Integer.parseInt(m.group(2)));
    }
    SeccompFilter.DENIED.forEach((name, nr) -> assertThat(numbers.get(name)).as(name).isEqualTo(nr));
    assertThat(numbers).containsEntry("clone", SeccompFilter.CLONE).containsEntry("unshare", SeccompFilter.UNSHARE)
        .containsEntry("clone3", SeccompFilter.CLONE3);
  }

  private static int run(int nr, int arg0) {
    return run(SeccompFilter.AUDIT_ARCH_X86_64, nr, arg0);
  }

  /** struct seccomp_data: nr, arch, instruction pointer, args (little endian). */
  private static int run(int arch, int nr, int arg0) {
    ByteBuffer data = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    data.putInt(0, nr).putInt(4, arch).putInt(16, arg0);
    ByteBuffer prog = ByteBuffer.wrap(SeccompFilter.program()).order(ByteOrder.LITTLE_ENDIAN);
    int count = prog.capacity() / 8;
    int acc = 0;
    for (int pc = 0; pc < count; pc++) {
      int code = prog.getShort(pc * 8) & 0xFFFF;
      int jt = prog.get(pc * 8 + 2) & 0xFF;
      int jf = prog.get(pc * 8 + 3) & 0xFF;
      int k = prog.getInt(pc * 8 + 4);
      switch (code) {
        case 0x20 -> acc = data.getInt(k);
        case 0x15 -> pc += acc == k ? jt : jf;
        case 0x35 -> pc += Integer.compareUnsigned(acc, k) >= 0 ? jt : jf;
        case 0x45 -> pc += (acc & k) != 0 ? jt : jf;
        case 0x06 -> {
          return k;
        }
        default -> throw new AssertionError("unexpected opcode " + code + " at " + pc);
      }
    }
    throw new AssertionError("the program ran off its end");
  }
}
