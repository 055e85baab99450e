package io.lookout.bench;

import io.lookout.bench.internal.LineParser;
import io.lookout.bench.internal.Template;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * An endless, seeded, deterministic stream of log records made from real loghub samples.
 *
 * <p>Each {@code *.log} file is one service (the file name before the first {@code _}: {@code
 * HDFS_2k.log} is {@code HDFS}). Every record picks a random source line, drops its original
 * timestamp, keeps its severity, and refills numbers, hex ids and IPv4 addresses with fresh random
 * values. Record {@code i} depends only on the config, the files and {@code i}, so any thread can
 * generate any slice of the stream and the result is the same.
 *
 * <p>A needle token ({@link #needleToken()}) is appended to exactly {@link CorpusConfig#needles()}
 * records spread evenly over the first {@link CorpusConfig#plannedRecords()}.
 */
public final class LogCorpus {
  /** Size of the {@code host.name} pool. */
  public static final int HOSTS = 50;

  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private static final long JITTER_NANOS = 5_000_000_000L;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final CorpusConfig config;
  private final List<Line> lines;
  private final List<String> services;
  private final String[] hosts;
  private final long base;
  private final long needleStride;
  private final long needleOffset;

  private record Line(String service, Template template, int severityNumber, String severityText) {}

  private LogCorpus(CorpusConfig config, Map<String, List<String>> linesByService) {
    this.config = config;
    this.base = mix(config.seed() ^ 0x5DEECE66DL);
    List<Line> all = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : new TreeMap<>(linesByService).entrySet()) {
      for (String raw : e.getValue()) {
        LineParser.Parsed p = LineParser.parse(raw);
        if (!p.text().isEmpty()) {
          all.add(new Line(e.getKey(), Template.compile(p.text()), p.severityNumber(), p.severityText()));
        }
      }
    }
    if (all.isEmpty()) {
      throw new IllegalArgumentException("log corpus has no non-empty lines: give at least one *.log file with text");
    }
    this.lines = List.copyOf(all);
    this.services = all.stream().map(Line::service).distinct().toList();
    this.hosts = new String[HOSTS];
    for (int i = 0; i < HOSTS; i++) {
      hosts[i] = String.format("host-%02d", i);
    }
    long planned = config.plannedRecords();
    int needles = config.needles();
    this.needleStride = needles == 0 ? Long.MAX_VALUE : Math.max(1, planned / needles);
    this.needleOffset = needles == 0 ? 0 : Math.floorMod(mix(base + 1), needleStride);
  }

  /** Reads every {@code *.log} file in {@code dir}. */
  public static LogCorpus load(Path dir, CorpusConfig config) {
    Map<String, List<String>> byService = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList()) {
        String name = f.getFileName().toString();
        String service = name.substring(0, name.length() - 4);
        int us = service.indexOf('_');
        service = us > 0 ? service.substring(0, us) : service;
        byService.computeIfAbsent(service, k -> new ArrayList<>())
            .addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read log samples in " + dir, e);
    }
    if (byService.isEmpty()) {
      throw new IllegalArgumentException("no *.log files in " + dir + ": point --datasets at the loghub samples");
    }
    return new LogCorpus(config, byService);
  }

  /** A corpus over lines given in memory, keyed by service. */
  public static LogCorpus of(Map<String, List<String>> linesByService, CorpusConfig config) {
    return new LogCorpus(config, linesByService);
  }

  public CorpusConfig config() {
    return config;
  }

  /** The services, sorted. */
  public List<String> services() {
    return services;
  }

  /** Number of usable source lines. */
  public int templateCount() {
    return lines.size();
  }

  /** The token planted in needle records, {@code needle<seed>}: one token for any tokenizer. */
  public String needleToken() {
    return "needle" + Long.toUnsignedString(config.seed());
  }

  /** Whether record {@code index} carries the needle. */
  public boolean isNeedle(long index) {
    if (index < needleOffset || (index - needleOffset) % needleStride != 0) {
      return false;
    }
    return (index - needleOffset) / needleStride < config.needles();
  }

  /** Needle records among the first {@code records} of the stream. */
  public long needleCount(long records) {
    if (config.needles() == 0 || records <= needleOffset) {
      return 0;
    }
    return Math.min(config.needles(), (records - needleOffset - 1) / needleStride + 1);
  }

  /** Record {@code index} of the stream (0-based). */
  public GeneratedLog record(long index) {
    SplittableRandom rng = new SplittableRandom(mix(base + index * GOLDEN));
    Line line = lines.get(rng.nextInt(lines.size()));
    StringBuilder body = new StringBuilder(line.template().source().length() + 24);
    line.template().render(body, rng);
    boolean needle = isNeedle(index);
    if (needle) {
      body.append(' ').append(needleToken());
    }
    String host = hosts[rng.nextInt(HOSTS)];
    String requestId = uuid(rng);
    String traceId = "";
    String spanId = "";
    if (rng.nextDouble() < config.traceFraction()) {
      traceId = hex(rng, 32);
      spanId = hex(rng, 16);
    }
    return new GeneratedLog(
        index, timestamp(index, rng), line.severityNumber(), line.severityText(), body.toString(),
        line.service(), host, requestId, traceId, spanId, needle);
  }

  private long timestamp(long index, SplittableRandom rng) {
    if (config.timeMode() == TimeMode.NOW) {
      Instant now = Instant.now();
      return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
    long window = config.window().toNanos();
    long start = config.anchorNanos() - window;
    long planned = config.plannedRecords();
    double position = (double) (index % planned) / planned;
    long jitter = rng.nextLong(-JITTER_NANOS, JITTER_NANOS);
    long t = start + (long) (position * window) + jitter;
    return Math.max(start, Math.min(config.anchorNanos(), t));
  }

  private static String uuid(SplittableRandom rng) {
    String h = hex(rng, 32);
    return h.substring(0, 8) + '-' + h.substring(8, 12) + '-' + h.substring(12, 16) + '-'
        + h.substring(16, 20) + '-' + h.substring(20);
  }

  private static String hex(SplittableRandom rng, int length) {
    char[] c = new char[length];
    for (int i = 0; i < length; i++) {
      c[i] = HEX[rng.nextInt(16)];
    }
    return new String(c);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
