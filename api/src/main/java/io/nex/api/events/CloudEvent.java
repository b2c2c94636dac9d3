package io.nex.api.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.nex.api.Json;
import java.time.Instant;
import java.util.UUID;

/** A CloudEvents 1.0 JSON event, as published on {@code $NEX.events.{ns}.{type}}. */
public record CloudEvent(
    String specversion,
    String id,
    String source,
    String type,
    String time,
    String datacontenttype,
    String namespace,
    JsonNode data) {

  public static CloudEvent of(String source, String namespace, String type, Object data) {
    return new CloudEvent("1.0", UUID.randomUUID().toString(), source, type,
        Instant.now().toString(), "application/json", namespace, Json.mapper().valueToTree(data));
  }
}
