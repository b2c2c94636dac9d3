package io.nex.node.hostservices;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectMeta;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.StorageType;
import io.nex.api.agent.FunctionHeaders;
import io.nex.node.workload.Deployment;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** {@code objectstore}: get, put, delete, list on a JetStream object store of the workload's own. */
final class ObjectStoreService implements HostService {
  private final Connection connection;
  private final Map<String, ObjectStore> stores = new ConcurrentHashMap<>();

  ObjectStoreService(Connection connection) {
    this.connection = connection;
  }

  @Override
  public ServiceReply call(Deployment workload, String method, Message request) throws Exception {
    ObjectStore store = store(Buckets.objects(workload));
    if (method.equals("list")) {
      // Nex's reply: the JSON of each live object's info, as JetStream stores it
      String infos = store.getList().stream().filter(i -> !i.isDeleted()).map(ObjectInfo::toJson)
          .collect(Collectors.joining(",", "[", "]"));
      return ServiceReply.ok(infos.getBytes(StandardCharsets.UTF_8));
    }
    String name = request.getHeaders() == null ? null : request.getHeaders().getFirst(FunctionHeaders.OBJECT_NAME);
    if (name == null || name.isBlank()) {
      return ServiceReply.badRequest("missing " + FunctionHeaders.OBJECT_NAME + " header");
    }
    return switch (method) {
      case "get" -> {
        ObjectInfo info = store.getInfo(name);
        if (info == null || info.isDeleted()) {
          yield ServiceReply.notFound("no such object: " + name);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.get(name, out);
        yield ServiceReply.ok(out.toByteArray());
      }
      case "put" -> {
        ObjectInfo stored = store.put(ObjectMeta.objectName(name), new ByteArrayInputStream(request.getData()));
        yield ServiceReply.ok(stored.toJson().getBytes(StandardCharsets.UTF_8));
      }
      case "delete" -> {
        store.delete(name);
        yield ServiceReply.ok();
      }
      default -> ServiceReply.badRequest("objectstore has no method " + method);
    };
  }

  private ObjectStore store(String name) throws Exception {
    ObjectStore existing = stores.get(name);
    if (existing != null) {
      return existing;
    }
    var management = connection.objectStoreManagement();
    if (!management.getBucketNames().contains(name)) {
      management.create(ObjectStoreConfiguration.builder().name(name).maxBucketSize(Buckets.MAX_BYTES)
          .storageType(StorageType.File).build());
    }
    ObjectStore store = connection.objectStore(name);
    stores.put(name, store);
    return store;
  }
}
