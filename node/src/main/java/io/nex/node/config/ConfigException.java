package io.nex.node.config;

/** A config file the node refuses; the message names the field and fits on one line. */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }
}
