package io.lookout.agent.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The agent's configuration, as written in the YAML file at {@code LOOKOUT_AGENT_CONFIG} (keys in
 * snake_case), after {@code ${VAR}} expansion and environment overrides. See agent/README.md.
 *
 * @param endpoint OTLP/HTTP base URL of the server ({@code /v1/logs} and so on are appended)
 * @param token ingest token, sent as {@code Authorization: Bearer}; absent = none
 * @param tenant sent as {@code X-Scope-OrgID} when set
 * @param headers extra request headers
 * @param dataDir checkpoints and the disk queue
 * @param buffer the disk queue
 * @param httpPort the agent's own {@code /metrics} and {@code /healthz}; 0 picks a free port, -1 disables
 * @param hostName {@code host.name} of every resource; absent = this machine's name
 * @param resource resource attributes added to everything the agent sends
 * @param batch how log records are grouped into requests
 * @param retry backoff of the uploader
 * @param tls trust settings for an https endpoint
 * @param files file inputs
 * @param hostMetrics host metrics from /proc; off when absent
 * @param scrape Prometheus endpoints to scrape
 * @param otlpReceiver local OTLP relay; off when absent
 */
public record AgentConfig(
    URI endpoint,
    String token,
    String tenant,
    Map<String, String> headers,
    Path dataDir,
    Buffer buffer,
    Integer httpPort,
    String hostName,
    Map<String, String> resource,
    Batch batch,
    Retry retry,
    Tls tls,
    List<FileInputConfig> files,
    HostMetrics hostMetrics,
    List<Scrape> scrape,
    OtlpReceiver otlpReceiver) {

  public static final int DEFAULT_HTTP_PORT = 9300;

  public AgentConfig {
    if (endpoint == null) {
      throw new IllegalArgumentException("endpoint is required (e.g. endpoint: http://lookout:4318)");
    }
    String scheme = endpoint.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme) || endpoint.getHost() == null) {
      throw new IllegalArgumentException("endpoint '" + endpoint + "' must be an absolute http:// or https:// URL");
    }
    token = token == null || token.isBlank() ? null : token.trim();
    tenant = tenant == null || tenant.isBlank() ? null : tenant.trim();
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    dataDir = dataDir == null ? Path.of("data-agent") : dataDir;
    buffer = buffer == null ? Buffer.DEFAULT : buffer;
    httpPort = httpPort == null ? DEFAULT_HTTP_PORT : httpPort;
    if (httpPort < -1 || httpPort > 65535) {
      throw new IllegalArgumentException("http_port " + httpPort + " is out of range (allowed: 0 to 65535, or -1 to disable)");
    }
    resource = resource == null ? Map.of() : Map.copyOf(resource);
    batch = batch == null ? Batch.DEFAULT : batch;
    retry = retry == null ? Retry.DEFAULT : retry;
    tls = tls == null ? Tls.DEFAULT : tls;
    files = files == null ? List.of() : List.copyOf(files);
    scrape = scrape == null ? List.of() : List.copyOf(scrape);
  }

  /**
   * The disk queue.
   *
   * @param maxBytes byte budget; past it, relay and metrics data is refused (counted) and file
   *     inputs pause
   * @param segmentBytes size of one queue segment file
   */
  public record Buffer(ByteSize maxBytes, ByteSize segmentBytes) {
    public static final Buffer DEFAULT = new Buffer(null, null);

    public Buffer {
      maxBytes = maxBytes == null ? ByteSize.parse("1GiB") : maxBytes;
      segmentBytes = segmentBytes == null ? ByteSize.parse("32MiB") : segmentBytes;
      if (maxBytes.bytes() < 1 << 20) {
        throw new IllegalArgumentException("max_bytes " + maxBytes.bytes() + " is too small (allowed: at least 1MiB)");
      }
      if (segmentBytes.bytes() < 64 << 10 || segmentBytes.bytes() > 1L << 30) {
        throw new IllegalArgumentException("segment_bytes " + segmentBytes.bytes() + " is out of range (allowed: 64KiB to 1GiB)");
      }
    }
  }

  /**
   * Batching.
   *
   * @param maxRecords log records per queued request at most
   * @param maxBytes bytes per queued request and per upload (requests are merged up to it)
   * @param timeout a partial batch is sent after this long
   */
  public record Batch(Integer maxRecords, ByteSize maxBytes, Duration timeout) {
    public static final Batch DEFAULT = new Batch(null, null, null);

    public Batch {
      maxRecords = maxRecords == null ? 2000 : maxRecords;
      maxBytes = maxBytes == null ? ByteSize.parse("1MiB") : maxBytes;
      timeout = timeout == null ? Duration.ofSeconds(1) : timeout;
      if (maxRecords < 1) {
        throw new IllegalArgumentException("max_records must be at least 1");
      }
      if (maxBytes.bytes() < 1024 || maxBytes.bytes() > 32 << 20) {
        throw new IllegalArgumentException("max_bytes " + maxBytes.bytes() + " is out of range (allowed: 1KiB to 32MiB)");
      }
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive (e.g. 1s)");
      }
    }
  }

  /**
   * Uploader retries: exponential backoff with full jitter, {@code Retry-After} honoured.
   *
   * @param initialBackoff first wait
   * @param maxBackoff longest wait
   * @param maxAttempts attempts for a batch answered with a non-retryable 5xx (500, 501...) before it is dropped;
   *     429, 502, 503, 504 and connection errors are retried without limit
   */
  public record Retry(Duration initialBackoff, Duration maxBackoff, Integer maxAttempts) {
    public static final Retry DEFAULT = new Retry(null, null, null);

    public Retry {
      initialBackoff = initialBackoff == null ? Duration.ofMillis(250) : initialBackoff;
      maxBackoff = maxBackoff == null ? Duration.ofSeconds(30) : maxBackoff;
      maxAttempts = maxAttempts == null ? 10 : maxAttempts;
      if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException("initial_backoff must be positive and not above max_backoff");
      }
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("max_attempts must be at least 1");
      }
    }
  }

  /**
   * TLS for an https endpoint.
   *
   * @param caFile PEM file with the CA certificates to trust (instead of the JDK's)
   * @param insecureSkipVerify trust any certificate (testing only)
   */
  public record Tls(Path caFile, Boolean insecureSkipVerify) {
    public static final Tls DEFAULT = new Tls(null, null);

    public Tls {
      insecureSkipVerify = insecureSkipVerify != null && insecureSkipVerify;
    }
  }

  /** Host metrics: {@code interval} between collections, {@code proc_root} to read. */
  public record HostMetrics(Duration interval, Path procRoot) {
    public HostMetrics {
      interval = interval == null ? Duration.ofSeconds(15) : interval;
      procRoot = procRoot == null ? Path.of("/proc") : procRoot;
      if (interval.toMillis() < 1000) {
        throw new IllegalArgumentException("interval " + interval + " is too short (allowed: at least 1s)");
      }
    }
  }

  /** One Prometheus endpoint to scrape. */
  public record Scrape(URI url, Duration interval, Duration timeout, Map<String, String> labels) {
    public Scrape {
      if (url == null) {
        throw new IllegalArgumentException("a scrape target needs a url (e.g. http://localhost:9100/metrics)");
      }
      interval = interval == null ? Duration.ofSeconds(15) : interval;
      timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
      labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
  }

  /** The local OTLP relay; a port of 0 picks a free one. */
  public record OtlpReceiver(String host, Integer grpcPort, Integer httpPort) {
    public OtlpReceiver {
      host = host == null ? "127.0.0.1" : host;
      grpcPort = grpcPort == null ? 4317 : grpcPort;
      httpPort = httpPort == null ? 4318 : httpPort;
    }
  }
}
