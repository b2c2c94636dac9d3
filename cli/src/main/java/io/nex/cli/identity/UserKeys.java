package io.nex.cli.identity;

import io.nex.cli.CliException;
import io.nex.keys.KeyException;
import io.nex.keys.KeyType;
import io.nex.keys.NKeyPair;
import io.nex.keys.XKeyPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Supplier;

/**
 * The user's signing keys: an issuer account seed ({@code ~/.nex/issuer.nk}) that signs workload
 * JWTs, and a curve seed ({@code ~/.nex/publisher.xk}) that seals environments. Made on first
 * use, readable by the user only.
 */
public final class UserKeys {
  private UserKeys() {}

  private static Path defaultDir() {
    String home = System.getenv("HOME");
    return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"), ".nex");
  }

  /** The issuer in {@code file}, or in {@code ~/.nex/issuer.nk} when {@code file} is null. */
  public static NKeyPair issuer(Path file) {
    file = file != null ? file : defaultDir().resolve("issuer.nk");
    String seed = readOrCreate(file, "issuer account key", () -> NKeyPair.create(KeyType.ACCOUNT).seed());
    try {
      NKeyPair pair = NKeyPair.fromSeed(seed);
      if (pair.type() != KeyType.ACCOUNT) {
        throw new CliException(file + " holds a " + pair.type().name().toLowerCase() + " key; an issuer must be an account key (SA...)");
      }
      return pair;
    } catch (KeyException e) {
      throw new CliException(file + " is not an nkey seed: " + e.getMessage());
    }
  }

  /** The publisher xkey in {@code file}, or in {@code ~/.nex/publisher.xk} when {@code file} is null. */
  public static XKeyPair publisher(Path file) {
    file = file != null ? file : defaultDir().resolve("publisher.xk");
    String seed = readOrCreate(file, "publisher xkey", () -> XKeyPair.create().seed());
    try {
      return XKeyPair.fromSeed(seed);
    } catch (KeyException e) {
      throw new CliException(file + " is not a curve (SX...) seed: " + e.getMessage());
    }
  }

  private static String readOrCreate(Path file, String what, Supplier<String> create) {
    try {
      if (Files.exists(file)) {
        System.err.println("Reusing existing " + what + " " + file);
        return Files.readString(file, StandardCharsets.UTF_8).trim();
      }
      Files.createDirectories(file.toAbsolutePath().getParent());
      String seed = create.get();
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, seed + "\n", StandardCharsets.UTF_8);
      System.err.println("Wrote new " + what + " " + file);
      return seed;
    } catch (IOException e) {
      throw new CliException("cannot read or create " + file + ": " + e.getMessage());
    }
  }
}
