package io.nex.node.workload;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.ObjectStore;
import io.nats.client.ObjectStoreOptions;
import io.nats.client.api.ObjectInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Artifacts fetched from the control plane's object store, kept on disk by sha256 so that
 * deploying the same artifact again costs one metadata lookup instead of a download, and none at
 * all where the node only confirms what a bucket it watches holds ({@link WatchedBucket}).
 */
public final class ArtifactCache implements ArtifactSource, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ArtifactCache.class);
  /** Buckets whose store handle is kept; past that the handles are dropped and made again. */
  private static final int KEPT_STORES = 64;

  private final Connection controlPlane;
  private final Path dir;
  /**
   * By bucket and domain, for buckets an artifact was found in. A new handle asks the server for
   * its stream's info before its first lookup: a round trip that doubled every deploy's lookup.
   */
  private final Map<String, ObjectStore> stores = new ConcurrentHashMap<>();
  /** By bucket and domain, for the buckets kept in {@link #stores}. */
  private final Map<String, WatchedBucket> watches = new ConcurrentHashMap<>();

  public ArtifactCache(Connection controlPlane, Path dir) {
    this.controlPlane = controlPlane;
    this.dir = dir;
  }

  /**
   * Fetches {@code location} (or finds it cached), refusing anything over {@code maxBytes}
   * (0 = no limit).
   */
  @Override
  public Artifact fetch(ArtifactLocation location, String jsDomain, long maxBytes) throws ArtifactException {
    return lookUp(location, jsDomain, maxBytes, true).artifact();
  }

  /**
   * From the bucket's watch when it vouches for {@code expected} (the object is there, with that
   * digest and within {@code maxBytes}); else looked up, which starts the bucket's watch.
   * A put or delete reaches the watch within the server's delivery to its consumer; a deleted
   * bucket is noticed at the latest {@link WatchedBucket#TRUSTED_FOR} after its last lookup.
   */
  @Override
  public String currentSha256(ArtifactLocation location, String jsDomain, long maxBytes, String expected)
      throws ArtifactException {
    WatchedBucket watched = watches.get(storeKey(location, jsDomain));
    ObjectInfo known = watched == null ? null : watched.latest(location.key());
    if (known != null && !known.isDeleted() && expected.equals(digestHex(known.getDigest()))
        && (maxBytes <= 0 || known.getSize() <= maxBytes)) {
      return expected;
    }
    Found found = lookUp(location, jsDomain, maxBytes, false);
    return found.sha256() != null ? found.sha256() : fetch(location, jsDomain, maxBytes).sha256();
  }

  /** What a lookup found: the artifact when asked to fetch it, else only the digest the bucket gives (null if none). */
  private record Found(Artifact artifact, String sha256) {}

  private Found lookUp(ArtifactLocation location, String jsDomain, long maxBytes, boolean download)
      throws ArtifactException {
    String domain = jsDomain == null || jsDomain.isBlank() ? "" : jsDomain;
    String storeKey = storeKey(location, jsDomain);
    try {
      ObjectStore kept = stores.get(storeKey);
      ObjectStore store = kept != null ? kept : open(location.bucket(), domain);
      ObjectInfo info = store.getInfo(location.key());
      if (info == null || info.isDeleted()) {
        throw new ArtifactException("artifact " + location + " does not exist");
      }
      if (kept == null) {
        keep(storeKey, store);
      }
      watched(storeKey, store);
      if (maxBytes > 0 && info.getSize() > maxBytes) {
        throw new ArtifactException("artifact " + location + " is " + info.getSize()
            + " bytes, over this node's limit of " + maxBytes);
      }
      String digestHex = digestHex(info.getDigest());
      if (!download) {
        return new Found(null, digestHex);
      }
      if (digestHex != null) {
        Path cached = dir.resolve(digestHex);
        if (Files.exists(cached)) {
          return new Found(new Artifact(cached, digestHex, Files.size(cached)), digestHex);
        }
      }
      Artifact downloaded = download(store, location);
      return new Found(downloaded, downloaded.sha256());
    } catch (IOException | JetStreamApiException e) {
      // the bucket may have been made again, unlike the stream the handle knew
      stores.remove(storeKey);
      forget(storeKey);
      throw new ArtifactException("cannot fetch artifact " + location + ": " + reason(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ArtifactException("interrupted while fetching " + location);
    }
  }

  private static String storeKey(ArtifactLocation location, String jsDomain) {
    return (jsDomain == null || jsDomain.isBlank() ? "" : jsDomain) + "/" + location.bucket();
  }

  /** A kept bucket is watched from its first lookup on; a watch that cannot start leaves lookups as they were. */
  private void watched(String storeKey, ObjectStore store) throws InterruptedException {
    WatchedBucket watched = watches.get(storeKey);
    if (watched != null) {
      watched.lookedUp();
      return;
    }
    try {
      WatchedBucket started = WatchedBucket.start(store);
      if (watches.putIfAbsent(storeKey, started) != null) {
        started.close();
      }
    } catch (IOException | JetStreamApiException e) {
      LOG.debug("Cannot watch bucket {}: {}", storeKey, reason(e));
    }
  }

  private void forget(String storeKey) {
    WatchedBucket watched = watches.remove(storeKey);
    if (watched != null) {
      watched.close();
    }
  }

  private ObjectStore open(String bucket, String domain) throws IOException {
    return domain.isEmpty() ? controlPlane.objectStore(bucket)
        : controlPlane.objectStore(bucket, ObjectStoreOptions.builder().jsDomain(domain).build());
  }

  /** Only buckets that held an artifact: names in deploy requests cannot grow the map without end. */
  private void keep(String storeKey, ObjectStore store) {
    if (stores.size() >= KEPT_STORES) {
      stores.clear();
      List.copyOf(watches.keySet()).forEach(this::forget);
    }
    stores.put(storeKey, store);
  }

  private Artifact download(ObjectStore store, ArtifactLocation location)
      throws IOException, JetStreamApiException, InterruptedException, ArtifactException {
    Files.createDirectories(dir);
    Path partial = Files.createTempFile(dir, "download-", ".part");
    MessageDigest sha256 = sha256();
    try {
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(partial), sha256)) {
        store.get(location.key(), out);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      String hex = HexFormat.of().formatHex(sha256.digest());
      Path cached = dir.resolve(hex);
      Files.move(partial, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return new Artifact(cached, hex, Files.size(cached));
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  /** jnats reports digests as {@code SHA-256=<base64url>}. */
  private static String digestHex(String digest) {
    if (digest == null || !digest.startsWith("SHA-256=")) {
      return null;
    }
    try {
      return HexFormat.of().formatHex(Base64.getUrlDecoder().decode(digest.substring("SHA-256=".length())));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String reason(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** Stops the buckets' watches. */
  @Override
  public void close() {
    List.copyOf(watches.keySet()).forEach(this::forget);
  }
}
