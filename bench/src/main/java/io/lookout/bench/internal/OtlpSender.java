package io.lookout.bench.internal;

import io.lookout.bench.OtlpBatch;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Posts OTLP/HTTP protobuf batches from several threads, one HTTP/1.1 connection each, at full
 * speed; retries a batch on 429/503 after its {@code Retry-After} and on connection errors.
 */
public final class OtlpSender {
  static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);
  static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);
  static final int MAX_CONSECUTIVE_IO_ERRORS = 20;
  private static final Map<String, String> PROTOBUF = Map.of("Content-Type", "application/x-protobuf");

  /**
   * What a send did.
   *
   * @param startNanos {@link System#nanoTime()} before the first request
   * @param endNanos {@link System#nanoTime()} after the last acknowledgement
   * @param requests successful requests
   * @param retries retried requests (429, 503 or connection errors)
   * @param generateNanos time the sender threads spent building payloads, summed over threads
   */
  public record Result(long startNanos, long endNanos, long requests, long retries, long generateNanos) {
    public double seconds() {
      return (endNanos - startNanos) / 1e9;
    }
  }

  private OtlpSender() {}

  /**
   * Sends every batch once successfully.
   *
   * @throws IllegalStateException on any other HTTP status, too many connection errors in a row,
   *     or when {@code deadline} passes
   */
  public static Result send(
      URI endpoint, List<OtlpBatch> batches, int connections, Duration deadline, PrintStream log)
      throws InterruptedException {
    return send(endpoint, Map.of(), batches, connections, deadline, log);
  }

  /** Like {@link #send(URI, List, int, Duration, PrintStream)}, with {@code headers} on every request. */
  public static Result send(URI endpoint, Map<String, String> headers, List<OtlpBatch> batches, int connections,
      Duration deadline, PrintStream log) throws InterruptedException {
    return send(endpoint, headers, batches.size(), i -> batches.get(i).payload(), connections, deadline, log);
  }

  /**
   * Sends payloads {@code 0..count-1} once successfully, each built by {@code payloads} on the
   * sender thread that sends it, so that nothing but the batches in flight is held in memory.
   *
   * @throws IllegalStateException on any other HTTP status, too many connection errors in a row,
   *     or when {@code deadline} passes
   */
  public static Result send(
      URI endpoint, int count, IntFunction<byte[]> payloads, int connections, Duration deadline, PrintStream log)
      throws InterruptedException {
    return send(endpoint, Map.of(), count, payloads, connections, deadline, log);
  }

  /**
   * Like {@link #send(URI, int, IntFunction, int, Duration, PrintStream)}, with {@code headers}
   * (for example {@code Authorization}) on every request besides the protobuf content type.
   */
  public static Result send(URI endpoint, Map<String, String> headers, int count, IntFunction<byte[]> payloads,
      int connections, Duration deadline, PrintStream log) throws InterruptedException {
    // Every connection takes the next unsent index: a shared work queue instead of fixed shards.
    AtomicInteger next = new AtomicInteger();
    Shard shared = () -> {
      int b = next.getAndIncrement();
      return b < count ? payloads.apply(b) : null;
    };
    return sendSharded(endpoint, with(PROTOBUF, headers), connections, c -> shared, count, deadline, log);
  }

  /** One connection's payloads, in the order they must be sent. */
  @FunctionalInterface
  public interface Shard {
    /** The next payload, or null when the shard is done. */
    byte[] next();
  }

  /**
   * Sends every payload of every shard once successfully, shard {@code c} in order on connection
   * {@code c} (as Prometheus shards remote_write by series, so that each series stays in time
   * order); {@code shards.apply(c)} is called on that connection's thread.
   *
   * @param expected payloads in all, for progress lines only
   * @throws IllegalStateException on an HTTP status other than 2xx/429/503, too many connection
   *     errors in a row, or when {@code deadline} passes
   */
  public static Result sendSharded(URI endpoint, Map<String, String> headers, int connections,
      IntFunction<Shard> shards, int expected, Duration deadline, PrintStream log) throws InterruptedException {
    List<HttpClient> clients = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      clients.add(client());
    }
    try {
      return sendSharded(clients, endpoint, headers, shards, expected, deadline, log);
    } finally {
      clients.forEach(HttpClient::close);
    }
  }

  /**
   * As {@link #sendSharded(URI, Map, int, IntFunction, int, Duration, PrintStream)}, shard {@code
   * c} over {@code clients.get(c)}, which stays open: a second send over the same clients reuses
   * their kept-alive connections (the metrics warm-up, then the measured run).
   */
  public static Result sendSharded(List<HttpClient> clients, URI endpoint, Map<String, String> headers,
      IntFunction<Shard> shards, int expected, Duration deadline, PrintStream log) throws InterruptedException {
    int connections = clients.size();
    AtomicLong generate = new AtomicLong();
    AtomicLong requests = new AtomicLong();
    AtomicLong retries = new AtomicLong();
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    long start = System.nanoTime();
    long deadlineNanos = start + deadline.toNanos();
    int tenth = Math.max(1, expected / 10);
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      int shard = c;
      threads.add(
          Thread.ofPlatform().name("sender-" + c).start(() -> {
            try {
              HttpClient client = clients.get(shard);
              Shard payloads = shards.apply(shard);
              while (failure.get() == null) {
                long g0 = System.nanoTime();
                byte[] payload = payloads.next();
                generate.addAndGet(System.nanoTime() - g0);
                if (payload == null) {
                  break;
                }
                sendOne(client, endpoint, headers, payload, deadlineNanos, retries);
                if (requests.incrementAndGet() % tenth == 0) {
                  log.printf("  sent %d/%d requests (%d retries)%n", requests.get(), expected, retries.get());
                }
              }
            } catch (RuntimeException e) {
              failure.compareAndSet(null, e);
            } catch (InterruptedException e) {
              failure.compareAndSet(null, new IllegalStateException("sender interrupted", e));
            }
          }));
    }
    for (Thread t : threads) {
      t.join();
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    return new Result(start, System.nanoTime(), requests.get(), retries.get(), generate.get());
  }

  /** {@code base} plus {@code extra}; on a name in both (any case), {@code extra} wins. */
  public static Map<String, String> with(Map<String, String> base, Map<String, String> extra) {
    Map<String, String> all = new LinkedHashMap<>();
    base.forEach((k, v) -> {
      if (extra.keySet().stream().noneMatch(k::equalsIgnoreCase)) {
        all.put(k, v);
      }
    });
    all.putAll(extra);
    return all;
  }

  /** An HTTP/1.1 client as the senders use, one connection per client; the caller closes it. */
  public static HttpClient client() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  private static void sendOne(HttpClient client, URI endpoint, Map<String, String> headers, byte[] payload,
      long deadlineNanos, AtomicLong retries) throws InterruptedException {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(endpoint)
            .timeout(Duration.ofSeconds(120))
            .POST(HttpRequest.BodyPublishers.ofByteArray(payload));
    headers.forEach(builder::header);
    HttpRequest req = builder.build();
    int ioErrors = 0;
    while (true) {
      if (System.nanoTime() > deadlineNanos) {
        throw new IllegalStateException(
            "deadline passed before " + endpoint + " accepted every batch: raise --wait-seconds or check the server");
      }
      HttpResponse<String> resp;
      try {
        resp = client.send(req, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        if (++ioErrors > MAX_CONSECUTIVE_IO_ERRORS) {
          throw new IllegalStateException(
              "posting to " + endpoint + " failed " + ioErrors + " times in a row: " + e, e);
        }
        retries.incrementAndGet();
        Thread.sleep(500);
        continue;
      }
      ioErrors = 0;
      int status = resp.statusCode();
      if (status >= 200 && status < 300) {
        return;
      }
      if (status == 429 || status == 503) {
        retries.incrementAndGet();
        Duration wait = retryAfter(resp.headers().firstValue("Retry-After").orElse(null));
        long left = Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
        Thread.sleep(Math.min(wait.toMillis(), left));
        continue;
      }
      String body = resp.body();
      throw new IllegalStateException(
          "posting to " + endpoint + " answered " + status + ": "
              + body.substring(0, Math.min(200, body.length())));
    }
  }

  /** Seconds or an HTTP date; 1 s when absent or unreadable; at most 30 s. */
  static Duration retryAfter(String header) {
    if (header == null || header.isBlank()) {
      return DEFAULT_RETRY_AFTER;
    }
    Duration d;
    try {
      d = Duration.ofMillis((long) (Double.parseDouble(header.trim()) * 1000));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
        d = Duration.between(ZonedDateTime.now(at.getZone()), at);
      } catch (DateTimeParseException e2) {
        d = DEFAULT_RETRY_AFTER;
      }
    }
    if (d.isNegative()) {
      return Duration.ZERO;
    }
    return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
  }
}
