package io.nex.api.events;

/**
 * A line on {@code $NEX.logs.{ns}.{node}.{workload}.{id}}. Levels are slog's: stdout is INFO (0),
 * stderr is ERROR (8).
 */
public record LogLine(String text, int level, String id) {
  public static final int DEBUG = -4;
  public static final int INFO = 0;
  public static final int WARN = 4;
  public static final int ERROR = 8;
}
