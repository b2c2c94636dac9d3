package io.nex.api.events;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.nex.api.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A CloudEvents 1.0 JSON event, as published on {@code $NEX.events.{ns}.{type}}: {@link #encode}
 * writes one, and the record reads one back.
 */
public record CloudEvent(
    String specversion,
    String id,
    String source,
    String type,
    String time,
    String datacontenttype,
    String namespace,
    JsonNode data) {

  // ids are unique per source, which is all CloudEvents asks: a random base drawn once, then a
  // count. UUID.randomUUID() per event took the SecureRandom lock for every function call.
  private static final long ID_HIGH;
  private static final long ID_LOW;
  private static final AtomicLong ID_COUNT = new AtomicLong();

  static {
    SecureRandom random = new SecureRandom();
    ID_HIGH = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4 layout
    ID_LOW = (random.nextLong() & 0x3FFF000000000000L) | 0x8000000000000000L; // IETF variant
  }

  /**
   * A new event's JSON, written field by field: the node sends one per function call, and
   * building a record with a JSON tree of its data first cost as much as the rest of the call.
   */
  public static byte[] encode(String source, String namespace, String type, Object data) {
    String id = new UUID(ID_HIGH, ID_LOW | (ID_COUNT.getAndIncrement() & 0xFFFFFFFFFFFFL)).toString();
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = Json.mapper().createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("specversion", "1.0");
      json.writeStringField("id", id);
      json.writeStringField("source", source);
      json.writeStringField("type", type);
      json.writeStringField("time", Instant.now().toString());
      json.writeStringField("datacontenttype", "application/json");
      json.writeStringField("namespace", namespace);
      json.writeFieldName("data");
      json.writeObject(data);
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write event " + type, e);
    }
    return out.toByteArray();
  }
}
