package io.nex.node.session;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nex.api.Subjects;
import io.nex.node.workload.Artifact;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands each agent its artifact, in chunks, on {@code hostint.{id}.artifact}. The sandbox id
 * comes from the subject, which the internal server only lets that sandbox use, so an agent can
 * read its own workload and nothing else.
 *
 * <p>Nex 0.2.7 staged artifacts in a JetStream object store per sandbox account; on nats-server
 * 2.9 the config reload that every new sandbox needs interrupts those per-account streams, so
 * we serve from the node's own cache instead (see docs/architecture.md).
 */
final class ArtifactServer implements AutoCloseable {
  static final int CHUNK_BYTES = 1024 * 1024;

  private final Connection internal;
  private final Map<String, Artifact> offered = new ConcurrentHashMap<>();
  private Dispatcher dispatcher;

  ArtifactServer(Connection internal) {
    this.internal = internal;
  }

  void start() {
    dispatcher = internal.createDispatcher(this::serve);
    dispatcher.subscribe(Subjects.artifact("*"));
  }

  /** Makes {@code artifact} readable by the agent of {@code sandboxId} until {@link #withdraw}. */
  void offer(String sandboxId, Artifact artifact) {
    offered.put(sandboxId, artifact);
  }

  void withdraw(String sandboxId) {
    offered.remove(sandboxId);
  }

  private void serve(Message request) {
    if (request.getReplyTo() == null) {
      return;
    }
    Artifact artifact = offered.get(Subjects.sandboxIdOf(request.getSubject()));
    long offset;
    try {
      offset = Long.parseLong(new String(request.getData(), StandardCharsets.UTF_8).trim());
    } catch (NumberFormatException e) {
      offset = -1;
    }
    if (artifact == null || offset < 0 || offset > artifact.size()) {
      internal.publish(request.getReplyTo(), new byte[0]);
      return;
    }
    try (FileChannel file = FileChannel.open(artifact.file(), StandardOpenOption.READ)) {
      ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, artifact.size() - offset));
      while (chunk.hasRemaining() && file.read(chunk, offset + chunk.position()) > 0) {
        // FileChannel may return fewer bytes than asked; keep reading until the chunk is full
      }
      internal.publish(request.getReplyTo(), chunk.array());
    } catch (IOException e) {
      internal.publish(request.getReplyTo(), new byte[0]);
    }
  }

  @Override
  public void close() {
    if (dispatcher != null && internal.getStatus() == Connection.Status.CONNECTED) {
      internal.closeDispatcher(dispatcher);
    }
  }
}
