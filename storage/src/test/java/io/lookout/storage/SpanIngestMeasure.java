package io.lookout.storage;

import io.lookout.model.LookoutException;
import io.lookout.model.Span;
import io.lookout.model.spi.RedQuery;
import io.lookout.model.spi.SpanStore;
import io.lookout.model.spi.TraceQuery;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

/**
 * Not a test: a quick in-process measurement of span ingest (append until indexed and refreshed)
 * with OTel-like spans: 5-span traces over 3 services, a few attributes each.
 * Usage: java -cp ... io.lookout.storage.SpanIngestMeasure 300000 /tmp/dir [queries]
 */
public final class SpanIngestMeasure {
  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    Path data = Path.of(args[1]);
    List<Span> spans = generate(n, TestData.nowNanos() - 3_600 * TestData.SECOND);
    StorageConfig cfg = StorageConfig.defaults(data);
    LuceneStorage s = LuceneStorage.open(cfg, new PrometheusRegistry());
    long t0 = System.nanoTime();
    int batch = 500;
    int threads = 4;
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int tt = t;
      senders.add(Thread.ofPlatform().start(() -> {
        for (int from = tt * batch; from < n; from += threads * batch) {
          List<Span> chunk = spans.subList(from, Math.min(n, from + batch));
          while (true) {
            try {
              s.spans().append("default", chunk).join();
              break;
            } catch (CompletionException e) {
              if (!(e.getCause() instanceof LookoutException)) {
                throw e;
              }
              try {
                Thread.sleep(20);
              } catch (InterruptedException ie) {
                return;
              }
            }
          }
        }
      }));
    }
    for (Thread t : senders) {
      t.join();
    }
    while (!s.engine().idle()) {
      Thread.sleep(5);
    }
    s.engine().refreshAll();
    long indexed = System.nanoTime();
    s.engine().commit(true);
    long committed = System.nanoTime();
    System.out.printf("spans %d: indexed and searchable in %.2fs = %.0f spans/s, commit %.2fs%n", n,
        (indexed - t0) / 1e9, n / ((indexed - t0) / 1e9), (committed - indexed) / 1e9);
    if (args.length > 2) {
      queries(s);
    }
    s.close();
    long bytes;
    try (Stream<Path> w = Files.walk(data.resolve("spans"))) {
      bytes = w.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    System.out.printf("span index on disk %.1f MB = %.0f bytes per span%n", bytes / 1e6, (double) bytes / n);
  }

  private static void queries(LuceneStorage s) {
    SpanStore st = s.spans();
    long hour = 3_600 * TestData.SECOND;
    long end = TestData.nowNanos();
    time("searchTraces, no filter, first page of 20", () -> st.searchTraces(tq(null, Map.of(), null, null, end)));
    time("searchTraces, no filter, 10th page of 20", () -> {
      String c = null;
      for (int i = 0; i < 10; i++) {
        c = st.searchTraces(tq(null, Map.of(), null, c, end)).nextCursor();
      }
      return c;
    });
    time("searchTraces service=payments status=error", () -> st.searchTraces(tq("payments", Map.of(), 2, null, end)));
    time("searchTraces resource host.name=node-3", () -> st.searchTraces(tq(null, Map.of("host.name", "node-3"), null,
        null, end)));
    time("services (1h)", () -> st.services("default", end - hour, end));
    time("operations checkout (1h)", () -> st.operations("default", "checkout", end - hour, end));
    time("dependencies (1h)", () -> st.dependencies("default", end - hour, end, 30_000));
    time("red checkout per minute (1h)", () -> st.red(new RedQuery("default", "checkout", null, end - hour, end,
        60 * TestData.SECOND, 30_000)));
  }

  private static TraceQuery tq(String service, Map<String, String> attrs, Integer status, String cursor, long end) {
    return new TraceQuery("default", service, null, attrs, status, 0, Long.MAX_VALUE, end - 3_600 * TestData.SECOND,
        end, 20, cursor, 30_000);
  }

  private static void time(String what, java.util.function.Supplier<Object> q) {
    q.get();
    long t0 = System.nanoTime();
    int runs = 5;
    Object r = null;
    for (int i = 0; i < runs; i++) {
      r = q.get();
    }
    String shown = String.valueOf(r);
    System.out.printf("%-50s %7.1f ms  %s%n", what, (System.nanoTime() - t0) / 1e6 / runs,
        shown.length() > 100 ? shown.substring(0, 100) + "..." : shown);
  }

  static List<Span> generate(int n, long base) {
    Random rnd = new Random(7);
    HexFormat hex = HexFormat.of();
    String[] services = {"frontend", "checkout", "payments"};
    List<Span> out = new ArrayList<>(n);
    byte[] tid = new byte[16];
    byte[] sid = new byte[8];
    while (out.size() < n) {
      rnd.nextBytes(tid);
      String trace = hex.formatHex(tid);
      long start = base + out.size() * 10_000_000L;
      String parent = "";
      for (int i = 0; i < 5 && out.size() < n; i++) {
        rnd.nextBytes(sid);
        String span = hex.formatHex(sid);
        String svc = services[Math.min(2, (i + 1) / 2)];
        int kind = i == 0 ? 2 : i % 2 == 1 ? 3 : 2;
        long dur = 1_000_000L + rnd.nextInt(50_000_000);
        out.add(new Span(trace, span, parent, "", (kind == 2 ? "GET /api/" : "call ") + svc + "/" + (i % 3), kind,
            start + i * 1000L, start + i * 1000L + dur, rnd.nextInt(20) == 0 ? 2 : 0, "", svc,
            Map.of("http.method", "GET", "http.status_code", 200L + rnd.nextInt(3), "net.peer.name", "host-"
                + rnd.nextInt(50)), Map.of("service.name", svc, "host.name", "node-" + rnd.nextInt(8),
                "service.version", "1.4.2"), "io.opentelemetry.http", List.of(), List.of()));
        parent = span;
      }
    }
    return out;
  }
}
