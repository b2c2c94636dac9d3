package io.nex.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON setup shared by node, agent and CLI: snake_case field names as on Nex's wire,
 * unknown fields tolerated (newer peers may add some), nulls left out.
 */
public final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .setSerializationInclusion(JsonInclude.Include.NON_NULL)
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);

  private Json() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  public static String writeString(Object value) {
    return new String(write(value), StandardCharsets.UTF_8);
  }

  /** Reads {@code bytes} as {@code type}; the exception message is one line fit for a reply. */
  public static <T> T read(byte[] bytes, Class<T> type) throws MalformedJsonException {
    if (bytes == null || bytes.length == 0) {
      throw new MalformedJsonException("empty request body, expected a JSON " + type.getSimpleName());
    }
    try {
      return MAPPER.readValue(bytes, type);
    } catch (IOException e) {
      throw new MalformedJsonException("malformed JSON for " + type.getSimpleName() + ": "
          + firstLine(e.getMessage()));
    }
  }

  /** The first line of an exception message: replies and error lines stay one line long. */
  public static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /** A request body that is not the JSON we expect. */
  public static final class MalformedJsonException extends Exception {
    public MalformedJsonException(String message) {
      super(message);
    }
  }
}
