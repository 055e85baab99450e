package io.lookout.agent.metrics;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One Prometheus endpoint to scrape.
 *
 * @param url the http(s) URL of the exposition, e.g. {@code http://localhost:9100/metrics}
 * @param interval time between scrapes
 * @param timeout how long one scrape may take; longer than the interval means the interval
 * @param labels target labels added to every series; {@code job} and {@code instance} set the
 *     target's job (default {@value #DEFAULT_JOB}) and instance (default {@code host:port})
 */
public record ScrapeTarget(URI url, Duration interval, Duration timeout, Map<String, String> labels) {
  public static final String DEFAULT_JOB = "scrape";

  public ScrapeTarget {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(timeout, "timeout");
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    String scheme = url.getScheme();
    if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
      throw new IllegalArgumentException("scrape url '" + url + "' is not an absolute http or https url");
    }
    if (interval.compareTo(Duration.ofMillis(100)) < 0) {
      throw new IllegalArgumentException("scrape interval " + interval + " for " + url + " is below the minimum of 100ms");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("scrape timeout " + timeout + " for " + url + " must be positive");
    }
    if (timeout.compareTo(interval) > 0) {
      timeout = interval; // a scrape never outlives its interval
    }
  }

  /** A target with the timeout at the interval (at most 10 s) and no extra labels. */
  public static ScrapeTarget of(URI url, Duration interval) {
    Duration timeout = interval.compareTo(Duration.ofSeconds(10)) < 0 ? interval : Duration.ofSeconds(10);
    return new ScrapeTarget(url, interval, timeout, Map.of());
  }

  /** The {@code job} label: from {@link #labels()}, else {@value #DEFAULT_JOB}. */
  public String job() {
    return labels.getOrDefault("job", DEFAULT_JOB);
  }

  /** The {@code instance} label: from {@link #labels()}, else {@code host:port} of the url. */
  public String instance() {
    String instance = labels.get("instance");
    if (instance != null) {
      return instance;
    }
    int port = url.getPort() >= 0 ? url.getPort() : url.getScheme().equals("https") ? 443 : 80;
    return url.getHost() + ":" + port;
  }
}
