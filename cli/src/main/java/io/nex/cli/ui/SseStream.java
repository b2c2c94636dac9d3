package io.nex.cli.ui;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One browser's server-sent-event stream: frames are queued by whoever publishes and written by
 * the request's own thread. A browser that falls {@link #CAPACITY} frames behind is cut off (it
 * reconnects and gets the state anew) rather than holding memory for it.
 */
final class SseStream {
  static final int CAPACITY = 2000;
  private static final long KEEPALIVE_SECONDS = 15;
  private static final String CLOSE = "";

  private final BlockingQueue<String> frames = new LinkedBlockingQueue<>(CAPACITY);
  private volatile boolean open = true;

  static String frame(String event, String json) {
    return "event: " + event + "\ndata: " + json + "\n\n";
  }

  void send(String frame) {
    if (open && !frames.offer(frame)) {
      close();
    }
  }

  void close() {
    open = false;
    frames.clear();
    frames.offer(CLOSE);
  }

  /** Writes frames until the browser goes away or the stream is closed; a comment keeps proxies and dead peers honest. */
  void pump(OutputStream out) throws IOException, InterruptedException {
    out.write(("retry: 1000\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    while (open) {
      String frame = frames.poll(KEEPALIVE_SECONDS, TimeUnit.SECONDS);
      if (frame == CLOSE) {
        return;
      }
      out.write((frame == null ? ": keepalive\n\n" : frame).getBytes(StandardCharsets.UTF_8));
      if (frames.isEmpty()) {
        out.flush();
      }
    }
  }
}
