package io.lookout.alerting;

import io.lookout.model.LookoutException;
import io.lookout.model.TimeParser;
import io.lookout.model.net.EgressPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Settings of the rule engine and health checks, read once from the environment.
 *
 * @param dataDir where API rules, alert state and history live ({@code LOOKOUT_DATA_DIR/alerting})
 * @param rulesDir directory of rule files ({@code LOOKOUT_RULES_DIR}), or null for API rules only
 * @param evalInterval default group interval ({@code LOOKOUT_ALERTING_EVAL_INTERVAL}, 15s)
 * @param heartbeatThreshold silence that raises ServiceSilent ({@code LOOKOUT_HEARTBEAT_THRESHOLD},
 *     5m; 0 turns heartbeat detection off)
 * @param reloadInterval how often rule files are checked for changes and the tenants with stored
 *     data listed for the heartbeat ({@code LOOKOUT_RULES_RELOAD_INTERVAL}, 5s)
 * @param externalUrl base of generator URLs in alerts ({@code LOOKOUT_EXTERNAL_URL}, empty)
 * @param queryTimeout time budget of one rule's query ({@code LOOKOUT_ALERTING_QUERY_TIMEOUT}, 30s)
 * @param workers threads evaluating groups ({@code LOOKOUT_ALERTING_WORKERS}, 2)
 * @param historyLimit transitions kept in the history ({@code LOOKOUT_ALERTING_HISTORY}, 10000)
 * @param egress where probes may connect ({@code LOOKOUT_EGRESS_ALLOW}, {@code LOOKOUT_EGRESS_DENY};
 *     link-local and cloud metadata addresses are always denied)
 */
public record AlertingConfig(
    Path dataDir,
    Path rulesDir,
    Duration evalInterval,
    Duration heartbeatThreshold,
    Duration reloadInterval,
    String externalUrl,
    Duration queryTimeout,
    int workers,
    int historyLimit,
    EgressPolicy egress) {

  public AlertingConfig {
    egress = egress == null ? EgressPolicy.defaults() : egress;
  }

  /** With the built-in egress rules only (benchmarks, tests). */
  public AlertingConfig(Path dataDir, Path rulesDir, Duration evalInterval, Duration heartbeatThreshold,
      Duration reloadInterval, String externalUrl, Duration queryTimeout, int workers, int historyLimit) {
    this(dataDir, rulesDir, evalInterval, heartbeatThreshold, reloadInterval, externalUrl, queryTimeout, workers,
        historyLimit, EgressPolicy.defaults());
  }

  public static AlertingConfig fromEnv(Map<String, String> env, Path lookoutDataDir) {
    String rules = env.getOrDefault("LOOKOUT_RULES_DIR", "").strip();
    String ext = env.getOrDefault("LOOKOUT_EXTERNAL_URL", "").strip();
    while (ext.endsWith("/")) {
      ext = ext.substring(0, ext.length() - 1);
    }
    return new AlertingConfig(
        lookoutDataDir.resolve("alerting"),
        rules.isEmpty() ? null : Path.of(rules),
        positive(env, "LOOKOUT_ALERTING_EVAL_INTERVAL", "15s"),
        duration(env, "LOOKOUT_HEARTBEAT_THRESHOLD", "5m"),
        positive(env, "LOOKOUT_RULES_RELOAD_INTERVAL", "5s"),
        ext,
        positive(env, "LOOKOUT_ALERTING_QUERY_TIMEOUT", "30s"),
        integer(env, "LOOKOUT_ALERTING_WORKERS", 2, 1, 64),
        integer(env, "LOOKOUT_ALERTING_HISTORY", 10_000, 100, 1_000_000),
        egress(env));
  }

  private static EgressPolicy egress(Map<String, String> env) {
    try {
      return EgressPolicy.fromEnv(env);
    } catch (IllegalArgumentException e) {
      throw LookoutException.badData(e.getMessage());
    }
  }

  private static Duration duration(Map<String, String> env, String name, String def) {
    String v = env.getOrDefault(name, "").strip();
    return Duration.ofNanos(TimeParser.parseDuration(name, v.isEmpty() ? def : v));
  }

  private static Duration positive(Map<String, String> env, String name, String def) {
    Duration d = duration(env, name, def);
    if (d.toMillis() < 1) {
      throw LookoutException.badData("invalid " + name + " '" + env.get(name) + "': use a duration of at least 1ms"
          + " such as " + def);
    }
    return d;
  }

  private static int integer(Map<String, String> env, String name, int def, int min, int max) {
    String v = env.getOrDefault(name, "").strip();
    if (v.isEmpty()) {
      return def;
    }
    try {
      int i = Integer.parseInt(v);
      if (i >= min && i <= max) {
        return i;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw LookoutException.badData("invalid " + name + " '" + v + "': use an integer from " + min + " to " + max);
  }
}
