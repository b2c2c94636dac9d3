package io.nex.api;

import java.time.Duration;

/** Uptime as nats-server writes it: {@code 1y2d3h4m5s}, {@code 10m15s}, {@code 8s}. */
public final class Uptime {
  private Uptime() {}

  public static String format(Duration duration) {
    long seconds = Math.max(0, duration.getSeconds());
    long years = seconds / (365L * 86400);
    seconds %= 365L * 86400;
    long days = seconds / 86400;
    seconds %= 86400;
    long hours = seconds / 3600;
    seconds %= 3600;
    long minutes = seconds / 60;
    seconds %= 60;
    StringBuilder out = new StringBuilder();
    if (years > 0) out.append(years).append('y');
    if (years > 0 || days > 0) out.append(days).append('d');
    if (years > 0 || days > 0 || hours > 0) out.append(hours).append('h');
    if (years > 0 || days > 0 || hours > 0 || minutes > 0) out.append(minutes).append('m');
    out.append(seconds).append('s');
    return out.toString();
  }
}
