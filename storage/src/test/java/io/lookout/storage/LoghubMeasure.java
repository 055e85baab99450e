package io.lookout.storage;

import io.lookout.model.LogRecord;
import io.lookout.model.LookoutException;
import io.lookout.model.spi.Direction;
import io.lookout.model.spi.LogQuery;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

/**
 * Not a test: a quick local measurement. Indexes N records made from the loghub sample lines
 * (digits randomised) and prints ingest rate, disk use and a few query times.
 * Usage: java -cp ... io.lookout.storage.LoghubMeasure /work/shared/datasets/loghub 200000 /tmp/dir
 */
public final class LoghubMeasure {
  public static void main(String[] args) throws Exception {
    Path src = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    Path data = Path.of(args[2]);
    List<String[]> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(src)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
        String svc = f.getFileName().toString().replace("_2k.log", "").toLowerCase();
        for (String l : Files.readAllLines(f)) {
          lines.add(new String[] {svc, l});
        }
      }
    }
    Random rnd = new Random(42);
    long now = TestData.nowNanos();
    List<LogRecord> recs = new ArrayList<>(n);
    long bodyBytes = 0;
    for (int i = 0; i < n; i++) {
      String[] l = lines.get(i % lines.size());
      StringBuilder b = new StringBuilder(l[1].length());
      for (char c : l[1].toCharArray()) {
        b.append(Character.isDigit(c) ? (char) ('0' + rnd.nextInt(10)) : c);
      }
      String body = b.toString();
      bodyBytes += body.length();
      String sev = body.contains("ERROR") ? "ERROR" : body.contains("WARN") ? "WARN" : "INFO";
      recs.add(new LogRecord(now - (n - i) * 1_000_000L, now, sev.equals("ERROR") ? 17 : sev.equals("WARN") ? 13 : 9,
          sev, body, l[0], "", "", Map.of("thread", "t-" + rnd.nextInt(16)), Map.of("host.name", "node-" + (i % 7)),
          ""));
    }
    StorageConfig cfg = StorageConfig.defaults(data);
    LuceneStorage s = LuceneStorage.open(cfg, new PrometheusRegistry());
    long t0 = System.nanoTime();
    int batch = 1000;
    List<Thread> senders = new ArrayList<>();
    int threads = 4;
    for (int t = 0; t < threads; t++) {
      int tt = t;
      senders.add(Thread.ofPlatform().start(() -> {
        for (int from = tt * batch; from < n; from += threads * batch) {
          List<LogRecord> chunk = recs.subList(from, Math.min(n, from + batch));
          while (true) {
            try {
              s.logs().append("default", chunk).join();
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
    long acked = System.nanoTime();
    while (TestData.count(s.logs(), "default", "*") < n) {
      Thread.sleep(20);
    }
    long searchable = System.nanoTime();
    s.engine().commit(true);
    long committed = System.nanoTime();
    System.out.printf("records %d, body %.1f MB%n", n, bodyBytes / 1e6);
    System.out.printf("acked in %.2fs, searchable in %.2fs (%.0f rec/s, %.2f MB/s body), commit %.2fs%n",
        (acked - t0) / 1e9, (searchable - t0) / 1e9, n / ((searchable - t0) / 1e9),
        bodyBytes / 1e6 / ((searchable - t0) / 1e9), (committed - searchable) / 1e9);
    for (String q : new String[] {"blk_38865049064139660", "error", "\"packetresponder 1\"", "service:hdfs AND terminating"}) {
      long q0 = System.nanoTime();
      int hits = 0;
      for (int r = 0; r < 5; r++) {
        hits = s.logs().search(new LogQuery("default", q, 0, Long.MAX_VALUE, 100, Direction.BACKWARD, null, 10_000))
            .hits().size();
      }
      System.out.printf("search '%s' newest 100: %d hits, %.1f ms%n", q, hits, (System.nanoTime() - q0) / 5e6);
    }
    long h0 = System.nanoTime();
    s.logs().histogram(new LogQuery("default", "*", now - 3_600_000_000_000L, now, 0, Direction.BACKWARD, null,
        10_000), 60_000_000_000L);
    System.out.printf("histogram per minute over 1h, all records: %.1f ms%n", (System.nanoTime() - h0) / 1e6);
    long c0 = System.nanoTime();
    s.close();
    System.out.printf("close %.2fs%n", (System.nanoTime() - c0) / 1e9);
    long logsBytes;
    try (Stream<Path> w = Files.walk(data.resolve("logs"))) {
      logsBytes = w.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    System.out.printf("index on disk %.1f MB = %.2f bytes per body byte%n", logsBytes / 1e6,
        (double) logsBytes / bodyBytes);
  }
}
