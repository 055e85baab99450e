package io.lookout.alerting;

/**
 * A rule file, rule, probe, receiver or route that cannot be used. The message names where
 * (file and YAML path, or API field), what was wrong and what is allowed.
 */
public final class AlertingConfigException extends Exception {

  public AlertingConfigException(String message) {
    super(message);
  }
}
