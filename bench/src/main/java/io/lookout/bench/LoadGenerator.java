package io.lookout.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.lookout.bench.internal.ApiClient;
import io.lookout.bench.internal.DiskUsage;
import io.lookout.bench.internal.Latencies;
import io.lookout.bench.internal.OtlpSender;
import io.lookout.bench.internal.ProcCpu;
import io.lookout.bench.internal.Summary;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * End-to-end load generator: sends the corpus to a running server over OTLP/HTTP, waits until
 * every record is searchable, then times four searches; with {@code --signal traces} it runs
 * {@link TraceLoad} instead.
 *
 * <p>{@code java -jar lookout-bench.jar --records 1000000 --data-dir /tmp/lookout-data}; see
 * {@link BenchArgs#USAGE} for every option.
 */
public final class LoadGenerator {
  private static final long DAY_NANOS = Duration.ofDays(1).toNanos();
  private static final int POLL_MILLIS = 250;

  private LoadGenerator() {}

  public static void main(String[] args) throws Exception {
    BenchArgs.runMain(args, (a, log) -> switch (a.signal()) {
      case TRACES -> TraceLoad.run(a, log);
      case METRICS -> MetricsLoad.run(a, log);
      case LOGS -> run(a, log);
    });
  }

  /** Runs the whole benchmark; progress goes to {@code log}. */
  public static Summary run(BenchArgs a, PrintStream log) throws IOException, InterruptedException {
    Workload work = Workload.prepare(a, log);
    LogCorpus corpus = work.corpus();
    long body = work.bodyBytes();
    long minTs = work.minTimestampNanos();
    long maxTs = work.maxTimestampNanos();
    long needles = work.needles();

    double cpu0 = a.serverPid() > 0 ? ProcCpu.seconds(a.serverPid()) : Double.NaN;
    OtlpSender.Result sent = OtlpSender.send(
        URI.create(a.otlp() + "/v1/logs"), a.headers(), work.batches(), a.connections(), a.waitLimit(), log);
    double cpuAtAck = a.serverPid() > 0 ? ProcCpu.seconds(a.serverPid()) - cpu0 : Double.NaN;
    log.printf(Locale.ROOT, "acknowledged %,d records in %.1f s (%,.0f records/s), %d retries%n",
        a.records(), sent.seconds(), a.records() / sent.seconds(), sent.retries());

    try (ApiClient api = new ApiClient(a.api(), a.headers())) {
      String start = ApiClient.time(minTs);
      String end = ApiClient.time(maxTs);
      long deadline = sent.startNanos() + a.waitLimit().toNanos();
      long visible = 0;
      int pollErrors = 0;
      while (visible < a.records()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "only " + visible + " of " + a.records() + " records searchable after " + a.waitLimit().toSeconds()
                  + " s: raise --wait-seconds or check the server");
        }
        try {
          visible = sumCounts(api.get("/api/v1/logs/histogram", "query", "*", "start", start, "end", end, "step", "1d"));
        } catch (IOException e) {
          if (pollErrors++ == 0) {
            log.println("warning: counting searchable records failed, retrying until the deadline: " + e.getMessage());
          }
        }
        if (visible < a.records()) {
          Thread.sleep(POLL_MILLIS);
        }
      }
      double seconds = (System.nanoTime() - sent.startNanos()) / 1e9;
      if (pollErrors > 0) {
        log.printf("%d histogram polls failed while waiting%n", pollErrors);
      }
      if (visible != a.records()) {
        log.printf("warning: %d records searchable, %d sent: the data dir was not empty?%n", visible, a.records());
      }
      log.printf(Locale.ROOT, "all searchable after %.1f s (%,.0f records/s, %.2f MB/s body)%n",
          seconds, a.records() / seconds, body / 1e6 / seconds);
      if (a.serverPid() > 0) {
        double cpu = ProcCpu.seconds(a.serverPid()) - cpu0;
        log.printf(Locale.ROOT, "server CPU: %.2f s at the last acknowledgement (%,.0f records per CPU-s),"
            + " %.2f s once all searchable (%,.0f records per CPU-s)%n", cpuAtAck, a.records() / cpuAtAck, cpu,
            a.records() / cpu);
        log.printf(Locale.ROOT, "server_cpu_ack=%.2f%nserver_cpu_searchable=%.2f%n", cpuAtAck, cpu);
      }
      long disk = a.dataDir() == null ? -1 : DiskUsage.bytes(a.dataDir());

      String needle = corpus.needleToken();
      String dayStart = ApiClient.time(Math.max(minTs, maxTs - DAY_NANOS));
      JsonNode needleHits = api.get("/api/v1/logs", "query", needle, "start", start, "end", end, "limit", "100");
      int found = needleHits.path("data").path("hits").size();
      if (found != Math.min(100, needles)) {
        log.printf("warning: needle query returned %d hits, expected %d%n", found, Math.min(100, needles));
      }
      Latencies n = Latencies.measure(a.queryRuns(), () ->
          api.get("/api/v1/logs", "query", needle, "start", start, "end", end, "limit", "100"));
      Latencies w = Latencies.measure(a.queryRuns(), () ->
          api.get("/api/v1/logs", "query", a.word(), "start", start, "end", end, "limit", "100"));
      Latencies h = Latencies.measure(a.queryRuns(), () ->
          api.get("/api/v1/logs/histogram", "query", "severity:ERROR", "start", dayStart, "end", end, "step", "1m"));
      Latencies f = Latencies.measure(a.queryRuns(), () ->
          api.get("/api/v1/logs/fields/service/values", "query", a.word(), "start", start, "end", end));
      return new Summary("lookout end-to-end", a.records(), body, seconds, disk, sent.retries(), n, w, h, f);
    }
  }

  static long sumCounts(JsonNode histogram) {
    long sum = 0;
    for (JsonNode b : histogram.path("data").path("buckets")) {
      sum += b.path("count").asLong();
    }
    return sum;
  }
}
