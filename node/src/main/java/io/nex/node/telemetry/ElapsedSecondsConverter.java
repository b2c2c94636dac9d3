package io.nex.node.telemetry;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** Seconds since start, zero-padded to four digits: the {@code INFO[0001]} of Nex's log lines. */
public final class ElapsedSecondsConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    long seconds = (event.getTimeStamp() - event.getLoggerContextVO().getBirthTime()) / 1000;
    return String.format("%04d", seconds);
  }
}
