package io.lookout.agent.config;

/** A configuration error, already formatted as {@code file:line:column: what is wrong (allowed: ...)}. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
