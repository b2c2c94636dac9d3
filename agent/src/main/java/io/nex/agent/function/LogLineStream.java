package io.nex.agent.function;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A module's stderr (and a handler module's stdout) as log lines: split at newlines, a final
 * unterminated line delivered on close, and an endless line cut into pieces so one write loop
 * cannot hold the agent's memory.
 */
final class LogLineStream extends OutputStream {
  private static final int MAX_LINE_BYTES = 16 * 1024;

  private final Consumer<String> logLine;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  LogLineStream(Consumer<String> logLine) {
    this.logLine = logLine;
  }

  @Override
  public void write(int b) {
    if (b == '\n') {
      emit();
      return;
    }
    line.write(b);
    if (line.size() >= MAX_LINE_BYTES) {
      emit();
    }
  }

  @Override
  public void write(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      write(bytes[i]);
    }
  }

  @Override
  public void close() {
    if (line.size() > 0) {
      emit();
    }
  }

  private void emit() {
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    logLine.accept(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
  }
}
