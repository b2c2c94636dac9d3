package io.nex.node;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The tags a node advertises: the config's own, plus what the node knows of itself. */
final class NodeTags {
  private static final String[] ADJECTIVES = {"amber", "brisk", "calm", "daring", "eager", "fuzzy", "gentle",
      "humble", "icy", "jolly", "keen", "lively", "mellow", "nimble", "quiet", "rapid", "sunny", "tidy", "vivid", "witty"};
  private static final String[] NOUNS = {"badger", "comet", "dolphin", "falcon", "glacier", "heron", "island",
      "jaguar", "kestrel", "lynx", "meadow", "nebula", "otter", "pine", "quasar", "river", "summit", "tundra", "willow", "zephyr"};

  private NodeTags() {}

  static Map<String, String> of(Map<String, String> configured, boolean sandboxed) {
    Map<String, String> tags = new TreeMap<>(configured);
    tags.put("nex.os", System.getProperty("os.name").toLowerCase(Locale.ROOT));
    tags.put("nex.arch", arch());
    tags.put("nex.cpucount", Integer.toString(Runtime.getRuntime().availableProcessors()));
    if (!sandboxed) {
      tags.put("nex.unsafe", "true");
    }
    tags.putIfAbsent("node_name", randomName());
    return tags;
  }

  /** Go's names for architectures, so that Nex tooling that matches on them keeps working. */
  private static String arch() {
    String arch = System.getProperty("os.arch");
    return switch (arch) {
      case "x86_64", "amd64" -> "amd64";
      case "aarch64" -> "arm64";
      default -> arch;
    };
  }

  private static String randomName() {
    SecureRandom random = new SecureRandom();
    return ADJECTIVES[random.nextInt(ADJECTIVES.length)] + "-" + NOUNS[random.nextInt(NOUNS.length)];
  }
}
