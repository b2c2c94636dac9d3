package io.nex.node.sandbox.qemu;

import io.nex.api.agent.AgentMetadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The agent's metadata as a small read-only disk: {@code NEXMETA1}, then {@code NEX_*=value}
 * lines, zero-padded. A disk rather than the kernel command line because the command line of
 * qemu is readable by every user of the host, and the nkey seed must not be.
 */
final class MetadataDrive {
  static final String MAGIC = "NEXMETA1";
  /** Big enough that the kernel's partition probing reads no further than the disk. */
  private static final int SIZE = 16384;

  private MetadataDrive() {}

  static Path write(Path file, AgentMetadata metadata, String natsHost, String loopbackTarget,
      List<Integer> loopbackPorts) throws IOException {
    Map<String, String> values = new LinkedHashMap<>();
    values.put(AgentMetadata.ENV_WORKLOAD_ID, metadata.vmid());
    values.put(AgentMetadata.ENV_NATS_HOST, natsHost);
    values.put(AgentMetadata.ENV_NATS_PORT, Integer.toString(metadata.nodeNatsPort()));
    values.put(AgentMetadata.ENV_NKEY_SEED, metadata.nodeNatsNkey());
    values.put("NEX_LOOPBACK_TARGET", loopbackTarget);
    values.put("NEX_LOOPBACK_PORTS", loopbackPorts.stream().map(String::valueOf).collect(Collectors.joining(" ")));
    StringBuilder text = new StringBuilder(MAGIC).append('\n');
    values.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    byte[] content = text.toString().getBytes(StandardCharsets.UTF_8);
    if (content.length >= SIZE) {
      throw new IOException("metadata does not fit its drive");
    }
    byte[] disk = new byte[SIZE];
    System.arraycopy(content, 0, disk, 0, content.length);
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(file, disk);
    return file;
  }
}
