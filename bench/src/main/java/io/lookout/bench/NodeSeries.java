package io.lookout.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Node-exporter shaped series, {@link #PER_HOST} per host: CPU seconds per cpu and mode, memory,
 * network and disk byte counters, filesystem gauges, load and one request-duration histogram.
 * Values come from a {@link Host} per host, one second at a time, deterministic for a seed:
 * counters grow by plausible steps (CPU seconds in 1/100 s ticks, as {@code /proc/stat} counts),
 * many gauges stay constant or move slowly.
 */
public final class NodeSeries {
  /** Series per host. */
  public static final int PER_HOST = 50;
  public static final String CPU = "node_cpu_seconds_total";
  public static final String HISTOGRAM = "http_request_duration_seconds";
  public static final String JOB = "node";
  static final int CPUS = 4;
  static final String[] MODES = {"idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"};
  static final String[] LE = {"0.005", "0.025", "0.1", "0.25", "1", "+Inf"};
  private static final double[] BOUNDS = {0.005, 0.025, 0.1, 0.25, 1, Double.POSITIVE_INFINITY};
  private static final int MEMORY = CPUS * MODES.length;
  private static final int NETWORK = MEMORY + 3;
  private static final int DISK = NETWORK + 2;
  private static final int FILESYSTEM = DISK + 2;
  private static final int LOAD = FILESYSTEM + 2;
  private static final int BUCKETS = LOAD + 1;
  private static final int HIST_SUM = BUCKETS + LE.length;
  private static final int HIST_COUNT = HIST_SUM + 1;
  private static final long PAGE = 4096;

  /** Host name prefix of the measured series: {@code instance="host-000:9100"}. */
  public static final String HOST_PREFIX = "host";
  /**
   * Host name prefix of the warm-up series ({@code --warmup-samples}): {@code
   * instance="warm-000:9100"}, as long as the measured names so that the shapes match.
   */
  public static final String WARMUP_PREFIX = "warm";

  private final List<SortedMap<String, String>> labels;
  private final int hosts;
  private final String hostPrefix;

  /** The first {@code series} series, hosts filled in order, instances {@code host-NNN:9100}. */
  public NodeSeries(int series) {
    this(series, HOST_PREFIX);
  }

  /** The first {@code series} series, hosts filled in order, instances {@code <hostPrefix>-NNN:9100}. */
  public NodeSeries(int series, String hostPrefix) {
    if (series < 1) {
      throw new IllegalArgumentException("series must be at least 1, got " + series);
    }
    if (!hostPrefix.matches("[a-z]+")) {
      throw new IllegalArgumentException("host prefix must be lowercase letters, got '" + hostPrefix + "'");
    }
    this.hosts = (series + PER_HOST - 1) / PER_HOST;
    this.hostPrefix = hostPrefix;
    List<SortedMap<String, String>> all = new ArrayList<>(series);
    for (int i = 0; i < series; i++) {
      all.add(Collections.unmodifiableSortedMap(labelsOf(instance(hostPrefix, i / PER_HOST), i % PER_HOST)));
    }
    this.labels = List.copyOf(all);
  }

  public int size() {
    return labels.size();
  }

  public int hosts() {
    return hosts;
  }

  /** Series of {@code host} (the last host may have fewer than {@link #PER_HOST}). */
  public int seriesOf(int host) {
    return Math.min(PER_HOST, size() - host * PER_HOST);
  }

  /** Labels of series {@code i}, {@code __name__} included, sorted by name. */
  public SortedMap<String, String> labels(int i) {
    return labels.get(i);
  }

  /** The {@code instance} label of measured host {@code host}. */
  public static String instance(int host) {
    return instance(HOST_PREFIX, host);
  }

  /** The {@code instance} label of host {@code host} of these series. */
  public String instanceOf(int host) {
    return instance(hostPrefix, host);
  }

  private static String instance(String prefix, int host) {
    return String.format(java.util.Locale.ROOT, "%s-%03d:9100", prefix, host);
  }

  private static SortedMap<String, String> labelsOf(String instance, int slot) {
    SortedMap<String, String> l = new TreeMap<>();
    l.put("instance", instance);
    l.put("job", JOB);
    if (slot < MEMORY) {
      l.put("__name__", CPU);
      l.put("cpu", Integer.toString(slot / MODES.length));
      l.put("mode", MODES[slot % MODES.length]);
    } else if (slot < NETWORK) {
      l.put("__name__", new String[] {"node_memory_MemTotal_bytes", "node_memory_MemAvailable_bytes",
          "node_memory_Cached_bytes"}[slot - MEMORY]);
    } else if (slot < DISK) {
      l.put("__name__", slot == NETWORK ? "node_network_receive_bytes_total" : "node_network_transmit_bytes_total");
      l.put("device", "eth0");
    } else if (slot < FILESYSTEM) {
      l.put("__name__", slot == DISK ? "node_disk_read_bytes_total" : "node_disk_written_bytes_total");
      l.put("device", "sda");
    } else if (slot < LOAD) {
      l.put("__name__", slot == FILESYSTEM ? "node_filesystem_avail_bytes" : "node_filesystem_size_bytes");
      l.put("device", "/dev/sda1");
      l.put("fstype", "ext4");
      l.put("mountpoint", "/");
    } else if (slot == LOAD) {
      l.put("__name__", "node_load1");
    } else if (slot < HIST_SUM) {
      l.put("__name__", HISTOGRAM + "_bucket");
      l.put("le", LE[slot - BUCKETS]);
    } else {
      l.put("__name__", slot == HIST_SUM ? HISTOGRAM + "_sum" : HISTOGRAM + "_count");
    }
    return l;
  }

  /** The values of one host's {@link #PER_HOST} series, advanced one second per {@link #step}. */
  public static final class Host {
    private final SplittableRandom rng;
    private final long[] ticks = new long[MEMORY];
    private final double[] cpuRate = new double[MODES.length];
    private final long[] gauges = new long[LOAD - MEMORY];
    private final long[] buckets = new long[LE.length];
    private double load;
    private double durationSum;

    public Host(long seed, int host) {
      rng = new SplittableRandom(seed * 1_000_003L + host);
      double user = 0.05 + rng.nextDouble() * 0.35;
      double[] share = {0, 0.01, 0.001, 0, 0.005, 0, user * 0.3, user};
      double busy = 0;
      for (int m = 0; m < MODES.length; m++) {
        cpuRate[m] = share[m];
        busy += share[m];
      }
      cpuRate[0] = 1 - busy;
      long uptime = 100_000 + rng.nextLong(900_000);
      for (int i = 0; i < MEMORY; i++) {
        ticks[i] = (long) (uptime * 100 * cpuRate[i % MODES.length] * (0.9 + rng.nextDouble() * 0.2));
      }
      long total = (16L + 16L * rng.nextInt(4)) << 30;
      gauges[0] = total;
      gauges[1] = total / 2 / PAGE * PAGE;
      gauges[2] = total / 4 / PAGE * PAGE;
      gauges[3] = rng.nextLong(1L << 40);
      gauges[4] = rng.nextLong(1L << 38);
      gauges[5] = rng.nextLong(1L << 40);
      gauges[6] = rng.nextLong(1L << 41);
      long size = 500L << 30;
      gauges[8] = size;
      gauges[7] = size / 3 / PAGE * PAGE;
      load = CPUS * user;
    }

    /** Advances one second and writes the host's values into {@code out[from..from+n)}. */
    public void step(double[] out, int from, int n) {
      for (int i = 0; i < MEMORY; i++) {
        double rate = cpuRate[i % MODES.length];
        if (rate > 0) {
          ticks[i] += Math.max(0, Math.round(rate * 100 + rng.nextGaussian() * Math.min(3, rate * 30)));
        }
      }
      if (rng.nextInt(2) == 0) {
        gauges[1] += (rng.nextLong(513) - 256) * PAGE;
      }
      if (rng.nextInt(3) == 0) {
        gauges[2] += (rng.nextLong(129) - 64) * PAGE;
      }
      gauges[3] += 2_000 + rng.nextLong(200_000);
      gauges[4] += 1_000 + rng.nextLong(80_000);
      if (rng.nextInt(5) == 0) {
        gauges[5] += (1 + rng.nextLong(64)) * PAGE;
      }
      if (rng.nextInt(10) < 7) {
        gauges[6] += (1 + rng.nextLong(256)) * PAGE;
      }
      if (rng.nextInt(10) == 0) {
        gauges[7] -= (1 + rng.nextLong(16)) * PAGE;
      }
      double running = CPUS * (1 - cpuRate[0]) + rng.nextDouble();
      load = 0.92 * load + 0.08 * running;
      int requests = 5 + rng.nextInt(56);
      for (int r = 0; r < requests; r++) {
        double d = Math.exp(Math.log(0.04) + 0.9 * rng.nextGaussian());
        durationSum += d;
        for (int b = 0; b < BOUNDS.length; b++) {
          if (d <= BOUNDS[b]) {
            buckets[b]++;
          }
        }
      }
      double[] v = new double[PER_HOST];
      for (int i = 0; i < MEMORY; i++) {
        v[i] = ticks[i] / 100.0;
      }
      for (int i = 0; i < gauges.length; i++) {
        v[MEMORY + i] = gauges[i];
      }
      v[LOAD] = Math.round(load * 100) / 100.0;
      for (int b = 0; b < buckets.length; b++) {
        v[BUCKETS + b] = buckets[b];
      }
      v[HIST_SUM] = durationSum;
      v[HIST_COUNT] = buckets[buckets.length - 1];
      System.arraycopy(v, 0, out, from, n);
    }
  }
}
