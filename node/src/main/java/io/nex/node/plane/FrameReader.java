package io.nex.node.plane;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Follows one direction of a NATS text-protocol stream, chunk by chunk: control lines, and the
 * payload that {@code PUB}/{@code HPUB}/{@code MSG}/{@code HMSG} announce, which is passed on by
 * its length without being looked at. Each control line is judged before it is passed on; a
 * refused one is dropped with its payload. Knowing where frames end also tells where a frame of
 * our own can be put into the stream without cutting one in two.
 */
final class FrameReader {
  /** Far above nats-server's own default (4 KiB), so that no line a server takes is cut here. */
  static final int MAX_LINE = 64 * 1024;

  /** Decides about one control line (without its line end): null to pass it, else the refusal. */
  interface Judge {
    String judge(String line);
  }

  /** Told at each frame's end, where {@code out} may take a frame of our own. */
  interface FrameEnd {
    void at(ByteArrayOutputStream out);
  }

  private final Judge judge;
  private final byte[] line = new byte[MAX_LINE];
  private int lineLength;
  /** Payload and its CRLF still to come after the current control line. */
  private long payloadLeft;
  private boolean dropping;

  FrameReader(Judge judge) {
    this.judge = judge;
  }

  /** True between frames: nothing of a line or payload is pending. */
  boolean atBoundary() {
    return lineLength == 0 && payloadLeft == 0;
  }

  /**
   * Reads all of {@code in}, writing what passes to {@code out}; refusals go to {@code refused}.
   *
   * @throws ProtocolViolation when the stream cannot be followed (an overlong line, a payload
   *     length that is not a number): the connection must end, as nats-server would end it
   */
  void feed(ByteBuffer in, ByteArrayOutputStream out, FrameEnd frameEnd, Consumer<String> refused) {
    while (in.hasRemaining()) {
      if (payloadLeft > 0) {
        int n = (int) Math.min(payloadLeft, in.remaining());
        if (!dropping) {
          out.write(in.array(), in.arrayOffset() + in.position(), n);
        }
        in.position(in.position() + n);
        payloadLeft -= n;
        if (payloadLeft == 0) {
          frameEnd.at(out);
        }
        continue;
      }
      byte b = in.get();
      if (lineLength == MAX_LINE) {
        throw new ProtocolViolation("control line longer than " + MAX_LINE + " bytes");
      }
      line[lineLength++] = b;
      if (b == '\n') {
        completeLine(out, frameEnd, refused);
      }
    }
  }

  private void completeLine(ByteArrayOutputStream out, FrameEnd frameEnd, Consumer<String> refused) {
    int end = lineLength - 1;
    if (end > 0 && line[end - 1] == '\r') {
      end--;
    }
    String text = new String(line, 0, end, StandardCharsets.UTF_8);
    long payload = payloadLength(text);
    String refusal = judge.judge(text);
    dropping = refusal != null;
    if (dropping) {
      refused.accept(refusal);
    } else {
      out.write(line, 0, lineLength);
    }
    lineLength = 0;
    payloadLeft = payload;
    if (payload == 0) {
      frameEnd.at(out);
    }
  }

  /** The bytes after a control line: the announced payload and its CRLF, or none. */
  static long payloadLength(String line) {
    String[] tokens = tokens(line);
    if (tokens.length == 0) {
      return 0;
    }
    String op = tokens[0].toUpperCase(Locale.ROOT);
    if (!op.equals("PUB") && !op.equals("HPUB") && !op.equals("MSG") && !op.equals("HMSG")) {
      return 0;
    }
    try {
      long size = Long.parseLong(tokens[tokens.length - 1]);
      if (size < 0 || tokens.length < 3) {
        throw new NumberFormatException();
      }
      return size + 2;
    } catch (NumberFormatException e) {
      throw new ProtocolViolation("unreadable message size in \"" + op + "\"");
    }
  }

  static String[] tokens(String line) {
    String trimmed = line.strip();
    return trimmed.isEmpty() ? new String[0] : trimmed.split("[ \t]+");
  }

  /** The stream is not NATS as we can follow it. */
  static final class ProtocolViolation extends RuntimeException {
    ProtocolViolation(String message) {
      super(message);
    }
  }
}
