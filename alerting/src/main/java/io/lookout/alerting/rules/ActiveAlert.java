package io.lookout.alerting.rules;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable view of one alert instance of a rule.
 *
 * @param activeAt when the condition first held (start of pending), the alert's {@code startsAt}
 * @param firedAt when it started firing, or null
 * @param resolvedAt when it resolved, or null while pending or firing
 * @param keepFiringSince when the condition cleared while {@code keep_firing_for} keeps it firing,
 *     or null
 * @param lastSentAt last time it was handed to the sink, or null
 */
public record ActiveAlert(
    Map<String, String> labels,
    Map<String, String> annotations,
    AlertState state,
    Instant activeAt,
    Instant firedAt,
    Instant resolvedAt,
    Instant keepFiringSince,
    Instant lastSentAt,
    double value) {

  public ActiveAlert {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(activeAt, "activeAt");
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }
}
