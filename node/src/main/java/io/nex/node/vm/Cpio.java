package io.nex.node.vm;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * A gzipped cpio archive in the kernel's {@code newc} format, written with fixed owners, times
 * and inode numbers so the same files always give the same bytes (GZIPOutputStream writes no
 * time either).
 */
final class Cpio implements AutoCloseable {
  private static final int DIRECTORY = 0040000;
  private static final int FILE = 0100000;

  private final OutputStream out;
  private long written;
  private int inode = 1;

  Cpio(OutputStream target) throws IOException {
    this.out = new GZIPOutputStream(target, 1 << 16);
  }

  void directory(String name) throws IOException {
    entry(name, DIRECTORY | 0755, new byte[0]);
  }

  void file(String name, int mode, byte[] content) throws IOException {
    entry(name, FILE | mode, content);
  }

  private void entry(String name, int mode, byte[] content) throws IOException {
    byte[] path = (name + "\0").getBytes(StandardCharsets.UTF_8);
    StringBuilder header = new StringBuilder("070701");
    long[] fields = {inode++, mode, 0, 0, (mode & DIRECTORY) != 0 ? 2 : 1, 0, content.length, 0, 0, 0, 0,
        path.length, 0};
    for (long field : fields) {
      header.append(String.format("%08x", field));
    }
    write(header.toString().getBytes(StandardCharsets.US_ASCII));
    write(path);
    pad();
    write(content);
    pad();
  }

  private void write(byte[] bytes) throws IOException {
    out.write(bytes);
    written += bytes.length;
  }

  private void pad() throws IOException {
    while (written % 4 != 0) {
      write(new byte[1]);
    }
  }

  @Override
  public void close() throws IOException {
    inode = 0;
    entry("TRAILER!!!", 0, new byte[0]);
    out.close();
  }
}
