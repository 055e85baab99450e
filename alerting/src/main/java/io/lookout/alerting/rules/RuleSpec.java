package io.lookout.alerting.rules;

import io.lookout.query.promql.Expr;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One rule of a group, as parsed from YAML or the API: an alerting rule ({@code alert}) or a
 * recording rule ({@code record}), and the query that feeds it.
 *
 * @param name the alert name or the recorded metric name
 * @param recording true for {@code record:} rules
 * @param query what is evaluated at each evaluation
 * @param forDuration how long a condition must hold before the alert fires (0 = at once)
 * @param keepFiringFor how long a firing alert keeps firing after its condition cleared
 */
public record RuleSpec(
    String name,
    boolean recording,
    Query query,
    Duration forDuration,
    Duration keepFiringFor,
    Map<String, String> labels,
    Map<String, String> annotations) {

  public RuleSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(query, "query");
    forDuration = forDuration == null ? Duration.ZERO : forDuration;
    keepFiringFor = keepFiringFor == null ? Duration.ZERO : keepFiringFor;
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }

  /** Identity of the rule inside its group, kept across reloads: name plus sorted labels. */
  public String key() {
    return (recording ? "record:" : "alert:") + name + new java.util.TreeMap<>(labels);
  }

  /** What a rule evaluates. */
  public sealed interface Query permits Promql, Logs, Traces, Heartbeat {
    /** A one-line rendering for APIs ({@code query} of Prometheus's rules API). */
    String describe();
  }

  /** A PromQL expression, evaluated as an instant query. */
  public record Promql(String text, Expr expr) implements Query {
    @Override
    public String describe() {
      return expr.toString();
    }
  }

  /**
   * Count of log records matching {@code query} in {@code (t - window, t]}, per combination of
   * the {@code groupBy} fields; an alert per combination whose count exceeds {@code threshold}.
   */
  public record Logs(String query, Duration window, double threshold, List<String> groupBy) implements Query {
    public Logs {
      groupBy = List.copyOf(groupBy);
    }

    @Override
    public String describe() {
      return "logs(" + query + ")[" + Durations.format(window) + "] > " + Durations.formatNumber(threshold)
          + (groupBy.isEmpty() ? "" : " by (" + String.join(", ", groupBy) + ")");
    }
  }

  /** The signal a trace rule watches. */
  public enum TraceSignal {
    ERROR_RATE("error_rate"),
    P50("p50"),
    P90("p90"),
    P99("p99");

    private final String key;

    TraceSignal(String key) {
      this.key = key;
    }

    public String key() {
      return key;
    }
  }

  /**
   * Error rate (a fraction) or a latency percentile (in seconds) of a service's spans in the
   * window; fires when above {@code threshold} (same unit).
   */
  public record Traces(String service, String operation, TraceSignal signal, Duration window, double threshold)
      implements Query {
    @Override
    public String describe() {
      return "traces(" + signal.key() + ", service=" + service + (operation == null ? "" : ", operation=" + operation)
          + ")[" + Durations.format(window) + "] > " + Durations.formatNumber(threshold);
    }
  }

  /** Built-in: services that sent telemetry in the last day and have been silent longer than {@code threshold}. */
  public record Heartbeat(Duration threshold, Duration lookback) implements Query {
    @Override
    public String describe() {
      return "heartbeat(silent > " + Durations.format(threshold) + ", seen within " + Durations.format(lookback) + ")";
    }
  }
}
