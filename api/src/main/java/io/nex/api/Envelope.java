package io.nex.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Nex's reply envelope: {@code {"type", "data", "error"}}. A non-null {@code error} means failure,
 * and then {@code data} is empty, as in Nex 0.2.7; on success {@code error} is written as an explicit null.
 */
public record Envelope(String type, Object data, @JsonInclude(JsonInclude.Include.ALWAYS) String error) {

  public static Envelope ok(String type, Object data) {
    return new Envelope(type, data, null);
  }

  public static Envelope failure(String type, String error) {
    return new Envelope(type, "", error);
  }

  public boolean failed() {
    return error != null;
  }

  /** Reads {@code data} of a received envelope as {@code type}. */
  public <T> T dataAs(Class<T> type) {
    return Json.mapper().convertValue(data instanceof JsonNode node ? node : data, type);
  }
}
