package io.nex.cli.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/** The page's files, read once from the jar; only these names are ever served. */
final class StaticAssets {
  record Asset(byte[] bytes, String contentType) {}

  private static final Map<String, String> TYPES = Map.of(
      "/", "index.html",
      "/app.js", "app.js",
      "/app.css", "app.css",
      "/favicon.svg", "favicon.svg");

  private final Map<String, Asset> assets;

  private StaticAssets(Map<String, Asset> assets) {
    this.assets = assets;
  }

  static StaticAssets load() {
    Map<String, Asset> loaded = new HashMap<>();
    TYPES.forEach((path, file) -> loaded.put(path, new Asset(read(file), contentType(file))));
    return new StaticAssets(Map.copyOf(loaded));
  }

  Asset get(String path) {
    return assets.get(path);
  }

  private static byte[] read(String file) {
    try (InputStream in = StaticAssets.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks the web view's " + file);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String contentType(String file) {
    String ext = file.substring(file.lastIndexOf('.') + 1);
    return switch (ext) {
      case "html" -> "text/html; charset=utf-8";
      case "js" -> "text/javascript; charset=utf-8";
      case "css" -> "text/css; charset=utf-8";
      case "svg" -> "image/svg+xml";
      default -> "application/octet-stream";
    };
  }
}
