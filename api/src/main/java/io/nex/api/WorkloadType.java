package io.nex.api;

import java.util.Locale;
import java.util.Optional;

/** Workload types. {@code v8} is accepted as Nex's name for {@code javascript}; {@code elf} as 0.1's native. */
public enum WorkloadType {
  NATIVE("native", false),
  JAR("jar", false),
  WASM("wasm", true),
  JAVASCRIPT("javascript", true);

  private final String wireName;
  private final boolean function;

  WorkloadType(String wireName, boolean function) {
    this.wireName = wireName;
    this.function = function;
  }

  public String wireName() {
    return wireName;
  }

  /** Functions run once per trigger message; the others are services that run until stopped. */
  public boolean isFunction() {
    return function;
  }

  public static Optional<WorkloadType> parse(String name) {
    if (name == null) {
      return Optional.empty();
    }
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "native", "elf" -> Optional.of(NATIVE);
      case "jar" -> Optional.of(JAR);
      case "wasm" -> Optional.of(WASM);
      case "javascript", "v8", "js" -> Optional.of(JAVASCRIPT);
      default -> Optional.empty();
    };
  }
}
