package io.nex.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.nex.api.Json;

/** Writes what a command shows: JSON for {@code --json}, text otherwise. */
public final class Output {
  private Output() {}

  public static void json(Object value) {
    try {
      System.out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new CliException("cannot encode output: " + e.getOriginalMessage());
    }
  }
}
