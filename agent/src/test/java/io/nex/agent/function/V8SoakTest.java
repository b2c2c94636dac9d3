package io.nex.agent.function;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * 100,000 calls of a function that uses host services through the Java callback, four at a time:
 * the JVM survives (resetting a context with bound Java callbacks aborted it inside V8: we never
 * reset one) and memory outside the Java heap (V8's heaps, Javet's handles) stays flat once the
 * isolates have collected their garbage. The Java heap is left out: it grows to a size of its
 * own choosing and is bounded by its own collector.
 */
class V8SoakTest {
  private static final int CALLS = 100_000;
  /** Where memory is sampled: V8's heaps move by ~15 MiB between collections, so several samples each side. */
  private static final List<Integer> EARLY = List.of(20_000, 30_000, 40_000);
  private static final List<Integer> LATE = List.of(80_000, 90_000, 100_000);
  private static final int AT_ONCE = 4;
  private static final long ALLOWED_GROWTH_KIB = 8 * 1024;

  /** Keeps only the kv map: the recording double would keep every call in a list. */
  private static final class Kv extends InMemoryHostServices {
    private final Map<String, byte[]> values = new ConcurrentHashMap<>();

    @Override
    public byte[] kvGet(String key) {
      return values.get(key);
    }

    @Override
    public void kvSet(String key, byte[] value) {
      values.put(key, value);
    }
  }

  @Test
  void aHundredThousandCallsWithHostServicesLeaveMemoryFlat() throws Exception {
    String source = """
        (subject, payload) => {
          hostServices.kv.set(subject, payload);
          const back = hostServices.kv.get(subject);
          const text = new TextDecoder().decode(back);
          return { subject, text, parts: [...text].length };
        }
        """;
    try (FunctionRunner runner = FunctionRunners.create("v8", source.getBytes(UTF_8), Map.of(), FunctionLimits.defaults(),
        new Kv(), line -> { })) {
      List<Long> early = new ArrayList<>();
      List<Long> late = new ArrayList<>();
      for (int done = 0; done < CALLS; done += AT_ONCE) {
        List<CompletableFuture<byte[]>> calls = new ArrayList<>();
        for (int i = 0; i < AT_ONCE; i++) {
          calls.add(runner.start("k" + (i % AT_ONCE), ("payload " + (done + i)).getBytes(UTF_8)));
        }
        for (int i = 0; i < AT_ONCE; i++) {
          assertThat(new String(calls.get(i).get(), UTF_8)).startsWith("{\"subject\":\"k" + i + "\",\"text\":\"payload ");
        }
        if (EARLY.contains(done + AT_ONCE)) {
          early.add(settledRss((JavaScriptRunner) runner));
        }
        if (LATE.contains(done + AT_ONCE)) {
          late.add(settledRss((JavaScriptRunner) runner));
        }
      }
      System.out.printf("V8 soak: RSS outside the Java heap, KiB, at %s calls: %s; at %s: %s%n", EARLY, early, LATE, late);
      // a leak lifts every late sample above every early one
      long growth = Collections.min(late) - Collections.max(early);
      assertThat(growth).as("growth in KiB, early %s late %s", early, late).isLessThan(ALLOWED_GROWTH_KIB);
    }
  }

  /** RSS less the committed Java heap, in KiB, after every collector has run. */
  private static long settledRss(JavaScriptRunner runner) throws Exception {
    runner.collectGarbage();
    System.gc();
    Thread.sleep(200);
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        long rss = Long.parseLong(line.substring("VmRSS:".length()).replace("kB", "").strip());
        return rss - (Runtime.getRuntime().totalMemory() >> 10);
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
