package io.lookout.agent.output;

import io.lookout.agent.config.AgentConfig;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the disk queue upstream: one request at a time, OTLP/HTTP protobuf, gzip, to
 * {@code endpoint + /v1/logs|traces|metrics}. The queue position advances only after a 2xx. 429,
 * 502, 503, 504 and connection errors are retried without limit with exponential backoff and full
 * jitter, waiting at least what {@code Retry-After} asks; other 5xx up to {@code retry.max_attempts}
 * times; other 4xx drop the batch (counted and logged) so that a poison batch cannot block the queue.
 *
 * <p>Transport is {@link HttpURLConnection} (keep-alive by the JDK), not {@code java.net.http}: the
 * latter loads ~400 classes, initialises the default TLS context even for {@code http} and runs a
 * selector thread plus workers, several MB of RSS for one request at a time.
 */
public final class Uploader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Uploader.class);
  private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

  private final DiskQueue queue;
  private final AgentConfig config;
  /** Only for an {@code https} endpoint, else null (no TLS classes loaded). */
  private final SSLSocketFactory tlsSockets;
  private final Thread thread;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Counter requests;
  private final Counter records;
  private final Counter bytesSent;
  private final Counter retries;
  private final Counter dropped;
  private final Histogram latency;
  private volatile boolean lastAttemptFailed;
  /** The request being sent, disconnected by close() (blocking socket reads ignore interrupts). */
  private volatile HttpURLConnection inFlight;

  public Uploader(DiskQueue queue, AgentConfig config, PrometheusRegistry registry) {
    this.queue = queue;
    this.config = config;
    this.tlsSockets = "https".equals(config.endpoint().getScheme()) ? sslContext(config.tls()).getSocketFactory() : null;
    requests = Counter.builder().name("lookout_agent_upload_requests_total")
        .help("upstream requests by signal and outcome (success, retry, dropped)")
        .labelNames("signal", "outcome").register(registry);
    records = Counter.builder().name("lookout_agent_upload_items_total")
        .help("records, spans or data points acknowledged by the server").labelNames("signal").register(registry);
    bytesSent = Counter.builder().name("lookout_agent_upload_bytes_total")
        .help("compressed request bytes acknowledged by the server").register(registry);
    retries = Counter.builder().name("lookout_agent_upload_retries_total")
        .help("upload attempts that will be retried, by reason (status code or connection)")
        .labelNames("reason").register(registry);
    dropped = Counter.builder().name("lookout_agent_upload_dropped_items_total")
        .help("records, spans or data points dropped after the server refused them for good")
        .labelNames("signal", "reason").register(registry);
    latency = Histogram.builder().name("lookout_agent_upload_duration_seconds")
        .help("time of one upstream request").register(registry);
    thread = Thread.ofPlatform().name("lookout-agent-uploader").daemon().unstarted(this::run);
  }

  public void start() {
    thread.start();
  }

  /** False while the last attempt failed (for /healthz). */
  public boolean healthy() {
    return !lastAttemptFailed;
  }

  /** Waits up to {@code timeout} for the queue to drain; true if it did. */
  public boolean drain(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!queue.isEmpty()) {
      if (System.nanoTime() > deadline || !thread.isAlive()) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  @Override
  public void close() throws InterruptedException {
    stop.countDown();
    thread.interrupt();
    HttpURLConnection c = inFlight;
    if (c != null) {
      c.disconnect();
    }
    thread.join(10_000);
  }

  private void run() {
    while (stop.getCount() > 0) {
      DiskQueue.Batch batch;
      try {
        batch = queue.poll(config.batch().maxBytes().bytes(), Duration.ofMillis(500));
      } catch (InterruptedException e) {
        continue;
      } catch (RuntimeException e) {
        LOG.error("cannot read the disk queue; retrying in 1s", e);
        if (sleep(Duration.ofSeconds(1))) {
          return;
        }
        continue;
      }
      if (batch == null) {
        continue;
      }
      // compress, then let the payloads go: a slow upstream must not keep both alive (they would be
      // promoted to the old generation, which then grows)
      byte[] body = gzip(batch);
      batch = batch.withoutPayloads();
      if (deliver(batch, body)) {
        try {
          queue.ack(batch);
        } catch (IOException e) {
          LOG.error("cannot persist the disk queue position; the batch may be sent again after a restart", e);
        }
      }
    }
  }

  /** Sends until delivered or dropped (true) or stopping (false, left in the queue). */
  private boolean deliver(DiskQueue.Batch batch, byte[] body) {
    String signal = batch.signal().name().toLowerCase(Locale.ROOT);
    URI uri = URI.create(stripSlash(config.endpoint().toString()) + batch.signal().path());
    int attempt = 0;
    while (stop.getCount() > 0) {
      attempt++;
      Duration wait;
      String reason;
      long t0 = System.nanoTime();
      try {
        Response r = post(uri.toURL(), body);
        byte[] responseBody = r.body();
        String detail = new String(responseBody, 0, Math.min(512, responseBody.length), java.nio.charset.StandardCharsets.UTF_8);
        latency.observe((System.nanoTime() - t0) / 1e9);
        int status = r.status();
        if (status / 100 == 2) {
          requests.labelValues(signal, "success").inc();
          records.labelValues(signal).inc(batch.items());
          bytesSent.inc(body.length);
          lastAttemptFailed = false;
          partialSuccess(batch, signal, responseBody);
          return true;
        }
        reason = Integer.toString(status);
        boolean always = status == 429 || status == 502 || status == 503 || status == 504 || status == 408;
        boolean limited = status >= 500 && !always;
        if (!always && (!limited || attempt >= config.retry().maxAttempts())) {
          requests.labelValues(signal, "dropped").inc();
          dropped.labelValues(signal, reason).inc(batch.items());
          LOG.error("server refused a {} batch of {} items with {} after {} attempts: dropped{}",
              signal, batch.items(), status, attempt, detail.isBlank() ? "" : " (" + printable(detail) + ")");
          lastAttemptFailed = false;
          return true;
        }
        Duration b = backoff(attempt);
        Duration ra = retryAfter(r.retryAfter());
        wait = ra.compareTo(b) > 0 ? ra : b;
      } catch (IOException e) {
        reason = "connection";
        wait = backoff(attempt);
        if (attempt == 1 || attempt % 20 == 0) {
          LOG.warn("cannot reach {} ({}): attempt {}, retrying in {} ms", uri, e.toString(), attempt, wait.toMillis());
        }
      }
      if (stop.getCount() == 0) {
        return false;
      }
      lastAttemptFailed = true;
      requests.labelValues(signal, "retry").inc();
      retries.labelValues(reason).inc();
      LOG.debug("{} batch of {} items: {} on attempt {}, retrying in {} ms", signal, batch.items(), reason, attempt, wait.toMillis());
      if (sleep(wait)) {
        return false;
      }
    }
    return false;
  }

  private record Response(int status, String retryAfter, byte[] body) {}

  /** One POST; the response body (at most 64 KiB) is read to the end so that the connection is reused. */
  private Response post(URL url, byte[] body) throws IOException {
    HttpURLConnection c = (HttpURLConnection) url.openConnection();
    inFlight = c;
    try {
      if (tlsSockets != null && c instanceof HttpsURLConnection https) {
        https.setSSLSocketFactory(tlsSockets);
      }
      c.setConnectTimeout(10_000);
      c.setReadTimeout(30_000);
      c.setUseCaches(false);
      c.setInstanceFollowRedirects(false);
      c.setDoOutput(true);
      c.setRequestMethod("POST");
      c.setFixedLengthStreamingMode(body.length);
      c.setRequestProperty("Content-Type", "application/x-protobuf");
      c.setRequestProperty("Content-Encoding", "gzip");
      c.setRequestProperty("User-Agent", "lookout-agent");
      if (config.token() != null) {
        c.setRequestProperty("Authorization", "Bearer " + config.token());
      }
      if (config.tenant() != null) {
        c.setRequestProperty("X-Scope-OrgID", config.tenant());
      }
      for (Map.Entry<String, String> h : config.headers().entrySet()) {
        c.setRequestProperty(h.getKey(), h.getValue());
      }
      try (OutputStream out = c.getOutputStream()) {
        out.write(body);
      }
      int status = c.getResponseCode();
      byte[] responseBody;
      try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
        responseBody = in == null ? new byte[0] : in.readNBytes(64 * 1024);
        if (in != null) {
          in.transferTo(OutputStream.nullOutputStream());
        }
      }
      return new Response(status, c.getHeaderField("Retry-After"), responseBody);
    } catch (IOException e) {
      c.disconnect();
      throw e;
    } finally {
      inFlight = null;
    }
  }

  /** Counts and logs what a 2xx answer's partial_success says the server rejected. */
  private void partialSuccess(DiskQueue.Batch batch, String signal, byte[] response) {
    if (response.length == 0) {
      return;
    }
    long rejected;
    String message;
    try {
      switch (batch.signal()) {
        case LOGS -> {
          var p = io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse.parseFrom(response).getPartialSuccess();
          rejected = p.getRejectedLogRecords();
          message = p.getErrorMessage();
        }
        case TRACES -> {
          var p = io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse.parseFrom(response).getPartialSuccess();
          rejected = p.getRejectedSpans();
          message = p.getErrorMessage();
        }
        default -> {
          var p = io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse.parseFrom(response).getPartialSuccess();
          rejected = p.getRejectedDataPoints();
          message = p.getErrorMessage();
        }
      }
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return; // not protobuf (e.g. an empty JSON object): nothing to learn
    }
    if (rejected > 0) {
      dropped.labelValues(signal, "rejected").inc(rejected);
      LOG.warn("server rejected {} of {} {} items: {}", rejected, batch.items(), signal, printable(message));
    }
  }

  /** Exponential backoff with full jitter: uniform in [initial/2, min(max, initial * 2^(attempt-1))]. */
  Duration backoff(int attempt) {
    long initial = config.retry().initialBackoff().toMillis();
    long cap = config.retry().maxBackoff().toMillis();
    long ceiling = attempt >= 30 ? cap : Math.min(cap, initial << Math.min(attempt - 1, 30));
    long floor = Math.min(initial / 2, ceiling);
    return Duration.ofMillis(floor + ThreadLocalRandom.current().nextLong(Math.max(1, ceiling - floor + 1)));
  }

  /** {@code Retry-After} as seconds or an HTTP date; zero when absent or unreadable; capped at 5 minutes. */
  static Duration retryAfter(String value) {
    if (value == null || value.isBlank()) {
      return Duration.ZERO;
    }
    Duration d;
    try {
      d = Duration.ofSeconds(Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      try {
        d = Duration.between(java.time.Instant.now(),
            ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
      } catch (RuntimeException e2) {
        return Duration.ZERO;
      }
    }
    if (d.isNegative()) {
      return Duration.ZERO;
    }
    return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
  }

  private boolean sleep(Duration d) {
    try {
      return stop.await(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      return stop.getCount() == 0;
    }
  }

  private static byte[] gzip(DiskQueue.Batch batch) {
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE, batch.payloadBytes() / 4 + 64));
    try (GZIPOutputStream gz = new FastGzip(out)) {
      // concatenated protobuf messages of one type merge: their repeated fields append
      for (byte[] p : batch.payloads()) {
        gz.write(p);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private static String printable(String s) {
    String t = s.replaceAll("[\\p{Cntrl}&&[^\n]]", "?").replace('\n', ' ');
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }

  static SSLContext sslContext(AgentConfig.Tls tls) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      if (tls.insecureSkipVerify()) {
        ctx.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
      } else if (tls.caFile() != null) {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int i = 0;
        try (InputStream in = java.nio.file.Files.newInputStream(tls.caFile())) {
          for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
            ks.setCertificateEntry("ca-" + i++, c);
          }
        }
        if (i == 0) {
          throw new IllegalArgumentException("tls.ca_file " + tls.caFile() + " holds no PEM certificate");
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
      } else {
        return SSLContext.getDefault();
      }
      return ctx;
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot load tls.ca_file " + tls.caFile() + ": " + e.getMessage(), e);
    }
  }

  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(ByteArrayOutputStream out) throws IOException {
      super(out, 64 * 1024);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }

  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
