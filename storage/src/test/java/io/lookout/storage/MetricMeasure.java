package io.lookout.storage;

import io.lookout.model.metrics.LabelMatcher;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.Sample;
import io.lookout.model.metrics.SelectLimits;
import io.lookout.model.metrics.SeriesBatch;
import io.lookout.model.metrics.SeriesSamples;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Not a test: an in-process measurement of the time-series store. Appends node-exporter shaped
 * series (default 1,000 series x 3,600 samples, 1 s apart, the last hour) from 4 threads in
 * batches of 250 series x 60 samples, then prints samples/s, process CPU-seconds, bytes on disk
 * per sample after a clean close, and the time to select every series over the hour.
 * Usage: java -cp ... io.lookout.storage.MetricMeasure /tmp/dir [series] [samples]
 */
public final class MetricMeasure {
  private static final String[] COUNTERS = {"node_cpu_seconds_total", "node_network_receive_bytes_total",
    "node_network_transmit_bytes_total", "node_disk_read_bytes_total", "node_disk_written_bytes_total",
    "node_context_switches_total", "node_intr_total"};
  private static final String[] GAUGES = {"node_memory_MemAvailable_bytes", "node_load1", "node_filesystem_avail_bytes",
    "node_procs_running"};

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    int nSeries = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int nSamples = args.length > 2 ? Integer.parseInt(args[2]) : 3600;
    int threads = 4;
    int perBatch = 60;
    long end = System.currentTimeMillis() / 1000 * 1000;
    long start = end - (nSamples - 1) * 1000L;
    Random rnd = new Random(42);
    Labels[] labels = new Labels[nSeries];
    double[] value = new double[nSeries];
    int[] kind = new int[nSeries];
    for (int i = 0; i < nSeries; i++) {
      kind[i] = i % 10 < 6 ? 0 : i % 10 < 9 ? 1 : 2; // 0 byte counters, 1 cpu seconds, 2 gauges
      String name = kind[i] == 2 ? GAUGES[i % GAUGES.length] : COUNTERS[i % COUNTERS.length];
      labels[i] = Labels.of("__name__", name, "job", "node", "instance", "host-" + (i / 50) + ":9100",
          kind[i] == 1 ? "cpu" : "device", Integer.toString(i % 50), "mode", kind[i] == 1 ? "user" : "");
      value[i] = kind[i] == 2 ? 1e9 : rnd.nextInt(1_000_000);
    }
    // batches[thread][round]: the thread's series, perBatch samples each
    int rounds = (nSamples + perBatch - 1) / perBatch;
    List<List<SeriesBatch>> batches = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      batches.add(new ArrayList<>());
    }
    for (int r = 0; r < rounds; r++) {
      List<List<SeriesBatch.Series>> perThread = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        perThread.add(new ArrayList<>());
      }
      for (int i = 0; i < nSeries; i++) {
        List<Sample> s = new ArrayList<>(perBatch);
        for (int k = r * perBatch; k < Math.min(nSamples, (r + 1) * perBatch); k++) {
          value[i] = switch (kind[i]) {
            case 0 -> value[i] + rnd.nextInt(5000);
            case 1 -> Math.round((value[i] + rnd.nextDouble() * 0.9) * 100) / 100.0;
            default -> Math.round(value[i] + (rnd.nextGaussian() * 1e6)) / 1.0;
          };
          s.add(new Sample(start + k * 1000L, value[i]));
        }
        perThread.get(i % threads).add(SeriesBatch.Series.ofSamples(labels[i], s));
      }
      for (int t = 0; t < threads; t++) {
        batches.get(t).add(new SeriesBatch(perThread.get(t), List.of()));
      }
    }
    long total = (long) nSeries * nSamples;
    StorageConfig cfg = StorageConfig.fromEnv(java.util.Map.of("LOOKOUT_DATA_DIR", data.toString(),
        "LOOKOUT_PARTITION", "1d"));
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    LuceneStorage s = LuceneStorage.open(cfg, new PrometheusRegistry());
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    List<CompletableFuture<Void>> senders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      List<SeriesBatch> mine = batches.get(t);
      senders.add(CompletableFuture.runAsync(() -> {
        for (SeriesBatch b : mine) {
          while (true) {
            try {
              s.metrics().append("default", b).join();
              break;
            } catch (RuntimeException overloaded) {
              Thread.onSpinWait();
            }
          }
        }
      }, r -> Thread.ofPlatform().start(r)));
    }
    senders.forEach(CompletableFuture::join);
    long acked = System.nanoTime();
    while (!s.engine().idle()) {
      Thread.sleep(1);
    }
    long ingestNanos = System.nanoTime() - t0;
    double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
    long c0 = System.nanoTime();
    s.close();
    double closeSec = (System.nanoTime() - c0) / 1e9;
    double cpuWithCommit = (os.getProcessCpuTime() - cpu0) / 1e9;
    long bytes = size(data.resolve("metrics"));
    System.out.printf("samples %d, acked in %.2fs, in the head after %.2fs: %.0f samples/s%n", total,
        (acked - t0) / 1e9, ingestNanos / 1e9, total / (ingestNanos / 1e9));
    System.out.printf("process CPU %.2fs: %.0f samples per CPU-second (%.2fs and %.0f/CPU-s with the final commit)%n",
        cpu, total / cpu, cpuWithCommit, total / cpuWithCommit);
    System.out.printf("close (commit of all chunks) %.2fs; disk %d bytes: %.3f bytes/sample%n", closeSec, bytes,
        bytes / (double) total);

    LuceneStorage r = LuceneStorage.open(cfg, new PrometheusRegistry());
    SelectLimits limits = new SelectLimits(1_000_000, 100_000_000, 60_000);
    double[] ms = new double[7];
    long n = 0;
    for (int i = 0; i < ms.length; i++) {
      long q0 = System.nanoTime();
      List<SeriesSamples> all = r.metrics().select("default", List.of(new LabelMatcher("__name__",
          LabelMatcher.Type.REGEX, "node_.*")), start, end, limits);
      ms[i] = (System.nanoTime() - q0) / 1e6;
      n = all.stream().mapToLong(SeriesSamples::size).sum();
    }
    Arrays.sort(ms);
    System.out.printf("select all %d series over 1h (%d samples) after restart: min %.1f ms, median %.1f ms%n",
        nSeries, n, ms[0], ms[ms.length / 2]);
    r.close();
  }

  private static long size(Path p) throws Exception {
    try (Stream<Path> s = Files.walk(p)) {
      return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }
}
