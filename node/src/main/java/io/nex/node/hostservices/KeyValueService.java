package io.nex.node.hostservices;

import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StorageType;
import io.nex.api.Json;
import io.nex.api.agent.FunctionHeaders;
import io.nex.node.controlplane.KeyValueBuckets;
import io.nex.node.workload.Deployment;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@code kv}: get, set, delete, keys on a JetStream KV bucket of the workload's own, made on first use. */
final class KeyValueService implements HostService {
  private final Connection connection;
  private final Map<String, KeyValue> buckets = new ConcurrentHashMap<>();

  KeyValueService(Connection connection) {
    this.connection = connection;
  }

  @Override
  public ServiceReply call(Deployment workload, String method, Message request) throws Exception {
    KeyValue kv = bucket(Buckets.kv(workload));
    if (method.equals("keys")) {
      List<String> keys = kv.keys();
      return ServiceReply.ok(Json.write(keys));
    }
    String key = request.getHeaders() == null ? null : request.getHeaders().getFirst(FunctionHeaders.KV_KEY);
    if (key == null || key.isBlank()) {
      return ServiceReply.badRequest("missing " + FunctionHeaders.KV_KEY + " header");
    }
    return switch (method) {
      case "get" -> {
        KeyValueEntry entry = kv.get(key);
        yield entry == null || entry.getValue() == null ? ServiceReply.notFound("no such key: " + key)
            : ServiceReply.ok(entry.getValue());
      }
      case "set" -> {
        kv.put(key, request.getData());
        yield ServiceReply.ok();
      }
      case "delete" -> {
        kv.delete(key);
        yield ServiceReply.ok();
      }
      default -> ServiceReply.badRequest("kv has no method " + method);
    };
  }

  private KeyValue bucket(String name) throws Exception {
    KeyValue existing = buckets.get(name);
    if (existing != null) {
      return existing;
    }
    KeyValue kv = KeyValueBuckets.open(connection, KeyValueConfiguration.builder().name(name)
        .maxBucketSize(Buckets.MAX_BYTES).storageType(StorageType.File).build());
    buckets.put(name, kv);
    return kv;
  }
}
