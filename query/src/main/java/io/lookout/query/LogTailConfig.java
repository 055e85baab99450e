package io.lookout.query;

import java.time.Duration;
import java.util.Map;

/**
 * Settings of the live tail ({@code /api/v1/logs/tail}), read from the environment with the rest of the
 * server's configuration.
 *
 * @param maxPerTenant tails of one tenant open at once; more are refused with 429
 *     ({@code LOOKOUT_TAIL_MAX_PER_TENANT}, 10)
 * @param maxTotal tails open at once over all tenants; more are refused with 503
 *     ({@code LOOKOUT_TAIL_MAX_CONNECTIONS}, 200)
 * @param pollInterval how often the server searches for new lines of each tail
 *     ({@code LOOKOUT_TAIL_POLL_INTERVAL}, 1s)
 * @param maxLinesPerPoll lines one poll sends at most; when more arrived in one interval, the newest
 *     are sent and the client is told lines were skipped ({@code LOOKOUT_TAIL_MAX_LINES_PER_POLL}, 1000)
 * @param lookback how far behind the newest line sent a poll looks again, for lines that become
 *     searchable late or carry older timestamps ({@code LOOKOUT_TAIL_LOOKBACK}, 10s)
 */
public record LogTailConfig(int maxPerTenant, int maxTotal, Duration pollInterval, int maxLinesPerPoll,
    Duration lookback) {
  public static final int DEFAULT_MAX_PER_TENANT = 10;
  public static final int DEFAULT_MAX_TOTAL = 200;
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
  public static final int DEFAULT_MAX_LINES_PER_POLL = 1000;
  public static final Duration DEFAULT_LOOKBACK = Duration.ofSeconds(10);

  public LogTailConfig {
    QueryConfig.requireRange("LOOKOUT_TAIL_MAX_PER_TENANT", maxPerTenant, 1, 100_000);
    QueryConfig.requireRange("LOOKOUT_TAIL_MAX_CONNECTIONS", maxTotal, 1, 1_000_000);
    QueryConfig.requireRange("LOOKOUT_TAIL_MAX_LINES_PER_POLL", maxLinesPerPoll, 1, 100_000);
    if (pollInterval.toMillis() < 10 || pollInterval.toSeconds() > 60) {
      throw new IllegalArgumentException("invalid LOOKOUT_TAIL_POLL_INTERVAL '" + pollInterval.toMillis()
          + "ms': use a duration from 10ms to 60s such as 1s");
    }
    if (lookback.isNegative() || lookback.toHours() > 1) {
      throw new IllegalArgumentException("invalid LOOKOUT_TAIL_LOOKBACK '" + lookback.toMillis()
          + "ms': use a duration from 0s to 1h such as 10s");
    }
  }

  public static LogTailConfig defaults() {
    return new LogTailConfig(DEFAULT_MAX_PER_TENANT, DEFAULT_MAX_TOTAL, DEFAULT_POLL_INTERVAL,
        DEFAULT_MAX_LINES_PER_POLL, DEFAULT_LOOKBACK);
  }

  /**
   * @throws IllegalArgumentException naming the variable, the value and what is allowed
   */
  public static LogTailConfig fromEnv(Map<String, String> env) {
    return new LogTailConfig(
        QueryConfig.integer(env, "LOOKOUT_TAIL_MAX_PER_TENANT", DEFAULT_MAX_PER_TENANT),
        QueryConfig.integer(env, "LOOKOUT_TAIL_MAX_CONNECTIONS", DEFAULT_MAX_TOTAL),
        QueryConfig.duration(env, "LOOKOUT_TAIL_POLL_INTERVAL", DEFAULT_POLL_INTERVAL),
        QueryConfig.integer(env, "LOOKOUT_TAIL_MAX_LINES_PER_POLL", DEFAULT_MAX_LINES_PER_POLL),
        QueryConfig.duration(env, "LOOKOUT_TAIL_LOOKBACK", DEFAULT_LOOKBACK));
  }
}
