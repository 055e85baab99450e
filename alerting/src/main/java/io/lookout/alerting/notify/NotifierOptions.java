package io.lookout.alerting.notify;

import io.lookout.model.LookoutException;
import io.lookout.model.TimeParser;
import io.lookout.model.net.EgressPolicy;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the {@link Notifier}, parsed once from the environment.
 *
 * @param dataDir where the outbox and the notification state live ({@code LOOKOUT_DATA_DIR/alerting/notify})
 * @param alertmanagerUrl base URL of an external Alertmanager that receives every alert, or null
 * @param externalUrl the {@code externalURL} of webhook payloads (a link back to Lookout), or ""
 * @param requestTimeout timeout of one webhook or Alertmanager request
 * @param backoffInitial first retry delay bound (full jitter: the delay is random in [0, bound])
 * @param backoffMax largest retry delay bound
 * @param giveUpAfter a notification not delivered after this long fails permanently
 * @param maxInFlight webhook requests in flight at once
 * @param resolveTimeout a firing alert not re-sent by the rule engine for this long counts as resolved
 * @param historyLimit finished notifications kept for {@code /api/v1/alerting/notifications}
 * @param tickInterval how often groups and retries are checked against the clock
 * @param egress where webhooks and the Alertmanager may be reached ({@code LOOKOUT_EGRESS_ALLOW},
 *     {@code LOOKOUT_EGRESS_DENY}; link-local and cloud metadata addresses are always denied)
 */
public record NotifierOptions(
    Path dataDir,
    URI alertmanagerUrl,
    String externalUrl,
    Duration requestTimeout,
    Duration backoffInitial,
    Duration backoffMax,
    Duration giveUpAfter,
    int maxInFlight,
    Duration resolveTimeout,
    int historyLimit,
    Duration tickInterval,
    EgressPolicy egress) {

  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_BACKOFF_INITIAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofMinutes(5);
  public static final Duration DEFAULT_GIVE_UP_AFTER = Duration.ofHours(24);
  public static final int DEFAULT_MAX_IN_FLIGHT = 16;
  public static final Duration DEFAULT_RESOLVE_TIMEOUT = Duration.ofMinutes(5);
  public static final int DEFAULT_HISTORY_LIMIT = 1000;
  public static final Duration DEFAULT_TICK_INTERVAL = Duration.ofMillis(500);

  public NotifierOptions {
    Objects.requireNonNull(dataDir, "dataDir");
    externalUrl = externalUrl == null ? "" : externalUrl;
    requirePositive(requestTimeout, "requestTimeout");
    requirePositive(backoffInitial, "backoffInitial");
    requirePositive(backoffMax, "backoffMax");
    requirePositive(giveUpAfter, "giveUpAfter");
    requirePositive(resolveTimeout, "resolveTimeout");
    requirePositive(tickInterval, "tickInterval");
    Objects.requireNonNull(egress, "egress");
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be >= 1, got " + maxInFlight);
    }
    if (historyLimit < 0) {
      throw new IllegalArgumentException("historyLimit must be >= 0, got " + historyLimit);
    }
  }

  /** Defaults with the given notification directory (used as is) and no Alertmanager. */
  public static NotifierOptions defaults(Path notifyDir) {
    return new NotifierOptions(notifyDir, null, "", DEFAULT_REQUEST_TIMEOUT, DEFAULT_BACKOFF_INITIAL,
        DEFAULT_BACKOFF_MAX, DEFAULT_GIVE_UP_AFTER, DEFAULT_MAX_IN_FLIGHT, DEFAULT_RESOLVE_TIMEOUT,
        DEFAULT_HISTORY_LIMIT, DEFAULT_TICK_INTERVAL, EgressPolicy.defaults());
  }

  /**
   * Reads the {@code LOOKOUT_*} notification variables.
   *
   * @param dataDir the server's {@code LOOKOUT_DATA_DIR}; the notifier keeps its files in
   *     {@code dataDir/alerting/notify}
   * @throws LookoutException bad_data naming the variable when a value is invalid
   */
  public static NotifierOptions fromEnv(Map<String, String> env, Path dataDir) {
    URI am = null;
    String amText = env.getOrDefault("LOOKOUT_ALERTMANAGER_URL", "").strip();
    if (!amText.isEmpty()) {
      am = httpUrl("LOOKOUT_ALERTMANAGER_URL", amText);
    }
    String ext = env.getOrDefault("LOOKOUT_EXTERNAL_URL", "").strip();
    if (!ext.isEmpty()) {
      httpUrl("LOOKOUT_EXTERNAL_URL", ext);
    }
    return new NotifierOptions(
        dataDir.resolve("alerting").resolve("notify"),
        am,
        ext,
        duration(env, "LOOKOUT_NOTIFY_TIMEOUT", DEFAULT_REQUEST_TIMEOUT),
        duration(env, "LOOKOUT_NOTIFY_BACKOFF_INITIAL", DEFAULT_BACKOFF_INITIAL),
        duration(env, "LOOKOUT_NOTIFY_BACKOFF_MAX", DEFAULT_BACKOFF_MAX),
        duration(env, "LOOKOUT_NOTIFY_GIVE_UP_AFTER", DEFAULT_GIVE_UP_AFTER),
        integer(env, "LOOKOUT_NOTIFY_MAX_IN_FLIGHT", DEFAULT_MAX_IN_FLIGHT, 1, 1024),
        duration(env, "LOOKOUT_ALERTING_RESOLVE_TIMEOUT", DEFAULT_RESOLVE_TIMEOUT),
        integer(env, "LOOKOUT_NOTIFY_HISTORY", DEFAULT_HISTORY_LIMIT, 0, 1_000_000),
        DEFAULT_TICK_INTERVAL,
        egress(env));
  }

  public NotifierOptions withAlertmanagerUrl(URI url) {
    return new NotifierOptions(dataDir, url, externalUrl, requestTimeout, backoffInitial, backoffMax, giveUpAfter,
        maxInFlight, resolveTimeout, historyLimit, tickInterval, egress);
  }

  public NotifierOptions withBackoff(Duration initial, Duration max) {
    return new NotifierOptions(dataDir, alertmanagerUrl, externalUrl, requestTimeout, initial, max, giveUpAfter,
        maxInFlight, resolveTimeout, historyLimit, tickInterval, egress);
  }

  public NotifierOptions withTickInterval(Duration tick) {
    return new NotifierOptions(dataDir, alertmanagerUrl, externalUrl, requestTimeout, backoffInitial, backoffMax,
        giveUpAfter, maxInFlight, resolveTimeout, historyLimit, tick, egress);
  }

  public NotifierOptions withExternalUrl(String url) {
    return new NotifierOptions(dataDir, alertmanagerUrl, url, requestTimeout, backoffInitial, backoffMax,
        giveUpAfter, maxInFlight, resolveTimeout, historyLimit, tickInterval, egress);
  }

  public NotifierOptions withResolveTimeout(Duration timeout) {
    return new NotifierOptions(dataDir, alertmanagerUrl, externalUrl, requestTimeout, backoffInitial, backoffMax,
        giveUpAfter, maxInFlight, timeout, historyLimit, tickInterval, egress);
  }

  public NotifierOptions withEgress(EgressPolicy policy) {
    return new NotifierOptions(dataDir, alertmanagerUrl, externalUrl, requestTimeout, backoffInitial, backoffMax,
        giveUpAfter, maxInFlight, resolveTimeout, historyLimit, tickInterval, policy);
  }

  /**
   * {@code LOOKOUT_EGRESS_ALLOW} and {@code LOOKOUT_EGRESS_DENY}.
   *
   * @throws LookoutException bad_data naming the variable and the bad entry
   */
  public static EgressPolicy egress(Map<String, String> env) {
    try {
      return EgressPolicy.fromEnv(env);
    } catch (IllegalArgumentException e) {
      throw LookoutException.badData(e.getMessage());
    }
  }

  private static void requirePositive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
    }
  }

  private static URI httpUrl(String var, String text) {
    try {
      URI u = new URI(text);
      if (u.getScheme() != null && (u.getScheme().equals("http") || u.getScheme().equals("https"))
          && u.getHost() != null) {
        return u;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw LookoutException.badData("invalid " + var + " '" + text + "': use an absolute http or https url");
  }

  private static Duration duration(Map<String, String> env, String var, Duration dflt) {
    String v = env.get(var);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    long nanos = TimeParser.parseDuration(var, v);
    if (nanos <= 0) {
      throw LookoutException.badData("invalid " + var + " '" + v + "': must be greater than 0");
    }
    return Duration.ofNanos(nanos);
  }

  private static int integer(Map<String, String> env, String var, int dflt, int min, int max) {
    String v = env.get(var);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      int i = Integer.parseInt(v.strip());
      if (i >= min && i <= max) {
        return i;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw LookoutException.badData("invalid " + var + " '" + v + "': use a whole number from " + min + " to " + max);
  }
}
