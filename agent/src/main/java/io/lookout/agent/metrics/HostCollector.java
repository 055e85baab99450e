package io.lookout.agent.metrics;

import static io.lookout.agent.metrics.Otlp.attrs;
import static io.lookout.agent.metrics.Otlp.point;

import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads one snapshot of host metrics from a /proc tree, named after the OpenTelemetry semantic
 * conventions (as the collector's hostmetrics receiver emits them), with units so that Lookout's
 * OTLP to Prometheus translation gives {@code system_cpu_time_seconds_total} and the like.
 * Each source (cpu, memory, load, disk, filesystem, network) fails alone.
 */
final class HostCollector {
  /** Linux reports /proc/stat times in USER_HZ, which is 100 on every architecture's user ABI. */
  static final double USER_HZ = 100.0;
  static final int SECTOR_BYTES = 512;

  /** Filesystems without storage of their own (node_exporter's default exclusions). */
  static final Set<String> PSEUDO_FILESYSTEMS = Set.of("autofs", "binfmt_misc", "bpf", "cgroup", "cgroup2",
      "configfs", "debugfs", "devpts", "devtmpfs", "fusectl", "hugetlbfs", "iso9660", "mqueue", "nsfs", "overlay",
      "proc", "procfs", "pstore", "rpc_pipefs", "securityfs", "selinuxfs", "squashfs", "erofs", "sysfs", "tracefs",
      "ramfs", "efivarfs", "fuse.lxcfs", "nfsd");

  /** Partitions and virtual block devices, counted already in their disk or meaningless. */
  private static final Pattern SKIPPED_DISKS =
      Pattern.compile("^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$");

  private static final String[] CPU_STATES = {"user", "nice", "system", "idle", "wait", "interrupt", "softirq", "steal"};

  /** What one collection produced, and the sources that failed (with why). */
  record Result(List<Metric> metrics, Map<String, String> failures) {}

  private final Path proc;

  HostCollector(Path procRoot) {
    this.proc = procRoot;
  }

  /** The host name from {@code sys/kernel/hostname}, else the environment, else the resolver. */
  String hostName() {
    try {
      String name = Files.readString(proc.resolve("sys/kernel/hostname"), StandardCharsets.UTF_8).trim();
      if (!name.isEmpty()) {
        return name;
      }
    } catch (IOException | RuntimeException ignored) {
      // fall through
    }
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  Result collect(long nowNanos) {
    List<Metric> out = new ArrayList<>();
    Map<String, String> failures = new LinkedHashMap<>();
    long bootNanos = 0;
    try {
      bootNanos = cpu(nowNanos, out);
    } catch (IOException | RuntimeException e) {
      failures.put("cpu", e.toString());
    }
    long start = bootNanos;
    run("memory", failures, () -> memory(nowNanos, out));
    run("load", failures, () -> load(nowNanos, out));
    run("disk", failures, () -> disk(start, nowNanos, out));
    run("filesystem", failures, () -> filesystem(nowNanos, out));
    run("network", failures, () -> network(start, nowNanos, out));
    return new Result(out, failures);
  }

  private interface Source {
    void read() throws IOException;
  }

  private static void run(String name, Map<String, String> failures, Source source) {
    try {
      source.read();
    } catch (IOException | RuntimeException e) {
      failures.put(name, e.toString());
    }
  }

  private List<String> lines(String file) throws IOException {
    return Files.readAllLines(proc.resolve(file), StandardCharsets.UTF_8);
  }

  private static String[] fields(String line) {
    return line.trim().split("\\s+");
  }

  /** CPU time per cpu and state; returns the boot time (the start of every cumulative counter). */
  private long cpu(long now, List<Metric> out) throws IOException {
    long boot = 0;
    List<String[]> cpus = new ArrayList<>();
    for (String line : lines("stat")) {
      String[] f = fields(line);
      if (f[0].startsWith("cpu") && f[0].length() > 3) {
        cpus.add(f);
      } else if (f[0].equals("btime") && f.length > 1) {
        boot = Long.parseLong(f[1]) * 1_000_000_000L;
      }
    }
    if (cpus.isEmpty()) {
      throw new IOException("no per-cpu lines in " + proc.resolve("stat"));
    }
    List<NumberDataPoint> points = new ArrayList<>();
    for (String[] f : cpus) {
      for (int i = 0; i < CPU_STATES.length && i + 1 < f.length; i++) {
        double seconds = Long.parseLong(f[i + 1]) / USER_HZ;
        points.add(point(seconds, attrs("cpu", f[0], "state", CPU_STATES[i]), boot, now));
      }
    }
    out.add(Otlp.sum("system.cpu.time", "s", "Seconds each logical CPU spent on each mode", true, points));
    return boot;
  }

  private void memory(long now, List<Metric> out) throws IOException {
    Map<String, Long> kb = new LinkedHashMap<>();
    for (String line : lines("meminfo")) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        String[] v = fields(line.substring(colon + 1));
        kb.put(line.substring(0, colon), Long.parseLong(v[0]));
      }
    }
    long total = need(kb, "MemTotal");
    long free = need(kb, "MemFree");
    long buffers = kb.getOrDefault("Buffers", 0L);
    long cached = kb.getOrDefault("Cached", 0L);
    long slabReclaimable = kb.getOrDefault("SReclaimable", 0L);
    long used = Math.max(0, total - free - buffers - cached - slabReclaimable);
    List<NumberDataPoint> points = new ArrayList<>();
    points.add(point(used * 1024.0, attrs("state", "used"), 0, now));
    points.add(point(free * 1024.0, attrs("state", "free"), 0, now));
    points.add(point(buffers * 1024.0, attrs("state", "buffered"), 0, now));
    points.add(point(cached * 1024.0, attrs("state", "cached"), 0, now));
    points.add(point(slabReclaimable * 1024.0, attrs("state", "slab_reclaimable"), 0, now));
    out.add(Otlp.sum("system.memory.usage", "By", "Bytes of memory in use, by state (the states add up to the limit)",
        false, points));
    out.add(Otlp.sum("system.memory.limit", "By", "Total bytes of memory available",
        false, List.of(point(total * 1024.0, List.of(), 0, now))));
  }

  private static long need(Map<String, Long> kb, String key) throws IOException {
    Long v = kb.get(key);
    if (v == null) {
      throw new IOException("meminfo has no " + key);
    }
    return v;
  }

  private void load(long now, List<Metric> out) throws IOException {
    String[] f = fields(Files.readString(proc.resolve("loadavg"), StandardCharsets.UTF_8));
    String[] names = {"1m", "5m", "15m"};
    for (int i = 0; i < names.length; i++) {
      out.add(Otlp.gauge("system.cpu.load_average." + names[i], "{thread}",
          "Average number of runnable and uninterruptible threads over " + names[i],
          List.of(point(Double.parseDouble(f[i]), List.of(), 0, now))));
    }
  }

  private void disk(long start, long now, List<Metric> out) throws IOException {
    List<NumberDataPoint> io = new ArrayList<>();
    List<NumberDataPoint> ops = new ArrayList<>();
    List<NumberDataPoint> merged = new ArrayList<>();
    List<NumberDataPoint> opTime = new ArrayList<>();
    List<NumberDataPoint> ioTime = new ArrayList<>();
    for (String line : lines("diskstats")) {
      String[] f = fields(line);
      if (f.length < 14 || SKIPPED_DISKS.matcher(f[2]).matches()) {
        continue;
      }
      String dev = f[2];
      List<String> dirs = List.of("read", "write");
      for (int d = 0; d < 2; d++) {
        int base = 3 + d * 4; // completed, merged, sectors, milliseconds
        var a = attrs("device", dev, "direction", dirs.get(d));
        ops.add(point(Long.parseLong(f[base]), a, start, now));
        merged.add(point(Long.parseLong(f[base + 1]), a, start, now));
        io.add(point(Long.parseLong(f[base + 2]) * (double) SECTOR_BYTES, a, start, now));
        opTime.add(point(Long.parseLong(f[base + 3]) / 1000.0, a, start, now));
      }
      ioTime.add(point(Long.parseLong(f[12]) / 1000.0, attrs("device", dev), start, now));
    }
    out.add(Otlp.sum("system.disk.io", "By", "Bytes read from and written to each disk", true, io));
    out.add(Otlp.sum("system.disk.operations", "{operation}", "Read and write operations completed per disk", true, ops));
    out.add(Otlp.sum("system.disk.merged", "{operation}", "Adjacent operations merged by the kernel per disk", true,
        merged));
    out.add(Otlp.sum("system.disk.operation_time", "s", "Time spent on reads and on writes per disk", true, opTime));
    out.add(Otlp.sum("system.disk.io_time", "s", "Time each disk was busy", true, ioTime));
  }

  private void filesystem(long now, List<Metric> out) throws IOException {
    Map<String, String[]> mounts = new LinkedHashMap<>(); // mount point -> device, type (last mount wins)
    for (String line : lines("mounts")) {
      String[] f = fields(line);
      if (f.length < 3) {
        continue;
      }
      String mountPoint = unescape(f[1]);
      String type = f[2];
      if (PSEUDO_FILESYSTEMS.contains(type) && !(type.equals("overlay") && mountPoint.equals("/"))) {
        mounts.remove(mountPoint);
        continue;
      }
      mounts.put(mountPoint, new String[] {unescape(f[0]), type});
    }
    List<NumberDataPoint> points = new ArrayList<>();
    for (var e : mounts.entrySet()) {
      FileStore store;
      long total;
      long unallocated;
      long usable;
      try {
        store = Files.getFileStore(Path.of(e.getKey()));
        total = store.getTotalSpace();
        unallocated = store.getUnallocatedSpace();
        usable = store.getUsableSpace();
      } catch (IOException | RuntimeException skipped) {
        continue; // unmounted meanwhile, or not accessible to the agent
      }
      if (total <= 0) {
        continue;
      }
      String[] a = {"device", e.getValue()[0], "mountpoint", e.getKey(), "type", e.getValue()[1], "state", ""};
      a[7] = "used";
      points.add(point(Math.max(0, total - unallocated), attrs(a), 0, now));
      a[7] = "free";
      points.add(point(usable, attrs(a), 0, now));
      a[7] = "reserved";
      points.add(point(Math.max(0, unallocated - usable), attrs(a), 0, now));
    }
    out.add(Otlp.sum("system.filesystem.usage", "By", "Bytes used, free (to unprivileged users) and reserved per filesystem",
        false, points));
  }

  /** Mount table fields escape space, tab, newline and backslash as octal. */
  static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private void network(long start, long now, List<Metric> out) throws IOException {
    List<NumberDataPoint> bytes = new ArrayList<>();
    List<NumberDataPoint> packets = new ArrayList<>();
    List<NumberDataPoint> errors = new ArrayList<>();
    List<NumberDataPoint> dropped = new ArrayList<>();
    for (String line : lines("net/dev")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue; // the two header lines
      }
      String dev = line.substring(0, colon).trim();
      String[] f = fields(line.substring(colon + 1));
      if (f.length < 16) {
        continue;
      }
      String[] dirs = {"receive", "transmit"};
      for (int d = 0; d < 2; d++) {
        int base = d * 8; // bytes, packets, errs, drop, ...
        var a = attrs("device", dev, "direction", dirs[d]);
        bytes.add(point(Long.parseLong(f[base]), a, start, now));
        packets.add(point(Long.parseLong(f[base + 1]), a, start, now));
        errors.add(point(Long.parseLong(f[base + 2]), a, start, now));
        dropped.add(point(Long.parseLong(f[base + 3]), a, start, now));
      }
    }
    out.add(Otlp.sum("system.network.io", "By", "Bytes received and transmitted per network interface", true, bytes));
    out.add(Otlp.sum("system.network.packets", "{packet}", "Packets received and transmitted per network interface",
        true, packets));
    out.add(Otlp.sum("system.network.errors", "{error}", "Receive and transmit errors per network interface", true,
        errors));
    out.add(Otlp.sum("system.network.dropped", "{packet}", "Packets dropped per network interface and direction", true,
        dropped));
  }
}
