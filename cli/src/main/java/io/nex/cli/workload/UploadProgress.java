package io.nex.cli.workload;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts bytes read and redraws one progress line on stderr, at most every 100 ms. */
final class UploadProgress extends FilterInputStream {
  private final String label;
  private final long total;
  private long read;
  private long lastDrawn;

  UploadProgress(InputStream in, String label, long total) {
    super(in);
    this.label = label;
    this.total = total;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      advance(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    if (n > 0) {
      advance(n);
    }
    return n;
  }

  private void advance(int n) {
    read += n;
    long now = System.nanoTime();
    if (read == total || now - lastDrawn > 100_000_000L) {
      lastDrawn = now;
      int percent = total == 0 ? 100 : (int) (read * 100 / total);
      int bars = percent / 4;
      System.err.printf("\rUploading %s [%s%s] %3d%% %.1f/%.1f MiB", label, "#".repeat(bars), " ".repeat(25 - bars),
          percent, read / 1048576.0, total / 1048576.0);
      if (read == total) {
        System.err.println();
      }
    }
  }
}
