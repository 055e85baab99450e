package io.lookout.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.lookout.bench.internal.ApiClient;
import io.lookout.bench.internal.DiskUsage;
import io.lookout.bench.internal.Latencies;
import io.lookout.bench.internal.OtlpSender;
import io.lookout.bench.internal.SpanSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The traces mode of the load generator ({@code --signal traces}): streams {@link SpanCorpus}
 * traces to {@code /v1/traces}, each batch built by the sender thread that posts it, waits until
 * the last trace and a random sample of the others are complete through {@code
 * /api/v1/traces/{id}}, then times trace lookups by id and four searches.
 */
public final class TraceLoad {
  /** Distinct known traces fetched by id, each once. */
  static final int LOOKUPS = 200;
  /** Random sent traces that must be complete before the run counts as searchable. */
  static final int SAMPLE = 100;
  /** The service the searches filter on. */
  static final String SEARCH_SERVICE = "payments";
  private static final int POLL_MILLIS = 100;
  private static final int WARMUP_LOOKUPS = 5;
  private static final long MARGIN_NANOS = Duration.ofMinutes(1).toNanos();

  private TraceLoad() {}

  /** Runs the whole traces benchmark; progress goes to {@code log}. */
  public static SpanSummary run(BenchArgs a, PrintStream log) throws IOException, InterruptedException {
    Instant now = Instant.now();
    long anchor = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    long traces = Math.max(1, Math.round(a.spans() / SpanCorpus.MEAN_SPANS));
    SpanCorpus corpus = new SpanCorpus(a.seed(), traces, a.timeMode(), anchor, SpanCorpus.DEFAULT_WINDOW);
    int perBatch = (int) Math.max(1, Math.round(a.batch() / SpanCorpus.MEAN_SPANS));
    int batches = Math.toIntExact((traces + perBatch - 1) / perBatch);
    int cores = Runtime.getRuntime().availableProcessors();
    log.printf(Locale.ROOT, "sending %,d traces (about %,d spans, seed %d) in %,d requests of %d traces"
        + " over %d connections; batches are built while sending%n", traces, a.spans(), a.seed(), batches,
        perBatch, a.connections());

    AtomicLong spans = new AtomicLong();
    AtomicLong payload = new AtomicLong();
    OtlpSender.Result sent = OtlpSender.send(URI.create(a.otlp() + "/v1/traces"), a.headers(), batches, b -> {
      long from = (long) b * perBatch;
      OtlpTraceBatch batch = OtlpTraceBatch.encode(corpus, from, Math.min(traces, from + perBatch));
      spans.addAndGet(batch.spans());
      payload.addAndGet(batch.payload().length);
      return batch.payload();
    }, a.connections(), a.waitLimit(), log);
    long total = spans.get();
    log.printf(Locale.ROOT, "acknowledged %,d spans (%,d traces, %.1f MB protobuf) in %.1f s (%,.0f spans/s),"
        + " %d retries; building batches took %.1f s of sender-thread time%n", total, traces, payload.get() / 1e6,
        sent.seconds(), total / sent.seconds(), sent.retries(), sent.generateNanos() / 1e9);
    log.println("spans=" + total);

    try (ApiClient api = new ApiClient(a.api(), a.headers())) {
      long deadline = sent.startNanos() + a.waitLimit().toNanos();
      Waiter waiter = new Waiter(api, deadline, log);
      long doneAt = waiter.await(corpus.trace(traces - 1));
      SplittableRandom rng = new SplittableRandom(a.seed() ^ 0x5A5A5A5AL);
      for (long i : distinct(rng, traces, SAMPLE)) {
        doneAt = Math.max(doneAt, waiter.await(corpus.trace(i)));
      }
      double seconds = (doneAt - sent.startNanos()) / 1e9;
      if (waiter.errors > 0) {
        log.printf("%d trace polls failed while waiting%n", waiter.errors);
      }
      if (waiter.surplus > 0) {
        log.printf("warning: %d checked traces had more spans than sent: the data dir was not empty?%n",
            waiter.surplus);
      }
      log.printf(Locale.ROOT, "last trace and %d sampled traces complete after %.1f s (%,.0f spans/s, %,.0f per"
          + " core over %d cores)%n", Math.min(SAMPLE, traces), seconds, total / seconds, total / seconds / cores,
          cores);
      long disk = a.dataDir() == null ? -1 : DiskUsage.bytes(a.dataDir());

      Latencies byId = lookups(api, corpus, rng, traces, log);
      String start = ApiClient.time(Math.min(corpus.windowStartNanos(), anchor) - MARGIN_NANOS);
      Instant endAt = Instant.now();
      String end = ApiClient.time(endAt.getEpochSecond() * 1_000_000_000L + endAt.getNano() + MARGIN_NANOS);
      String[] range = {"service", SEARCH_SERVICE, "start", start, "end", end, "limit", "20"};
      Latencies service = search(api, a.queryRuns(), log, range);
      Latencies errors = search(api, a.queryRuns(), log, concat(range, "status", "error"));
      Latencies slow = search(api, a.queryRuns(), log, concat(range, "min_duration", "500ms"));
      Latencies attribute = search(api, a.queryRuns(), log, concat(range, "attributes", "http.status_code=500"));
      return new SpanSummary("lookout traces end-to-end", total, traces, seconds, cores, disk, sent.retries(),
          byId, service, errors, slow, attribute);
    }
  }

  /** Fetches {@link #LOOKUPS} distinct known traces once each, after a few warm-up fetches. */
  private static Latencies lookups(ApiClient api, SpanCorpus corpus, SplittableRandom rng, long traces,
      PrintStream log) throws IOException, InterruptedException {
    long[] ids = distinct(rng, traces, LOOKUPS + WARMUP_LOOKUPS);
    long[] nanos = new long[ids.length - WARMUP_LOOKUPS];
    int incomplete = 0;
    for (int i = 0; i < ids.length; i++) {
      GeneratedTrace t = corpus.trace(ids[i]);
      long t0 = System.nanoTime();
      JsonNode got = api.find("/api/v1/traces/" + t.traceId());
      long took = System.nanoTime() - t0;
      if (i >= WARMUP_LOOKUPS) {
        nanos[i - WARMUP_LOOKUPS] = took;
      }
      if (spanCount(got) < t.spans().size()) {
        incomplete++;
      }
    }
    if (incomplete > 0) {
      log.printf("warning: %d of %d traces fetched by id were missing spans%n", incomplete, ids.length);
    }
    return Latencies.of(nanos);
  }

  private static Latencies search(ApiClient api, int runs, PrintStream log, String... params)
      throws IOException, InterruptedException {
    JsonNode first = api.get("/api/v1/traces", params);
    if (first.path("data").path("traces").isEmpty()) {
      log.println("warning: trace search " + String.join(" ", params) + " found nothing");
    }
    return Latencies.measure(runs, () -> api.get("/api/v1/traces", params));
  }

  /** Spans in a {@code /api/v1/traces/{id}} answer; -1 when absent (null) or truncated. */
  static int spanCount(JsonNode answer) {
    if (answer == null || answer.path("data").path("truncated").asBoolean(false)) {
      return -1;
    }
    return answer.path("data").path("spans").size();
  }

  /** {@code n} distinct indices in {@code [0, bound)} (all of them when fewer), in drawing order. */
  static long[] distinct(SplittableRandom rng, long bound, int n) {
    int want = (int) Math.min(n, bound);
    Set<Long> out = new LinkedHashSet<>();
    while (out.size() < want) {
      out.add(rng.nextLong(bound));
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Polls {@code /api/v1/traces/{id}} until a trace has all its spans. */
  private static final class Waiter {
    private final ApiClient api;
    private final long deadline;
    private final PrintStream log;
    int errors;
    int surplus;

    Waiter(ApiClient api, long deadline, PrintStream log) {
      this.api = api;
      this.deadline = deadline;
      this.log = log;
    }

    /** The {@link System#nanoTime()} at which the trace was seen complete. */
    long await(GeneratedTrace t) throws InterruptedException {
      int want = t.spans().size();
      int have = -1;
      while (true) {
        try {
          have = spanCount(api.find("/api/v1/traces/" + t.traceId()));
        } catch (IOException e) {
          if (errors++ == 0) {
            log.println("warning: fetching a trace by id failed, retrying until the deadline: " + e.getMessage());
          }
        }
        if (have >= want) {
          surplus += have > want ? 1 : 0;
          return System.nanoTime();
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("trace " + t.traceId() + " has " + Math.max(0, have) + " of its " + want
              + " spans searchable at the deadline: raise --wait-seconds or check the server");
        }
        Thread.sleep(POLL_MILLIS);
      }
    }
  }
}
