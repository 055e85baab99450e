package io.lookout.bench;

import io.lookout.bench.internal.ResultRow;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options shared by {@link LoadGenerator} and {@link LuceneReference}; each ignores
 * the options that do not concern it, so one argument list can drive both.
 *
 * @param otlp OTLP/HTTP base URL
 * @param api HTTP API base URL
 * @param records records to send or index
 * @param connections sender threads, one HTTP connection each
 * @param batch records per request (or per indexing batch)
 * @param datasets directory of loghub {@code *.log} samples
 * @param dataDir the server's data directory, for bytes on disk (null: not measured)
 * @param seed corpus seed
 * @param needles records carrying the needle token
 * @param word the common word of the word queries
 * @param timeMode spread over 24 h or now
 * @param waitLimit deadline for all records to become searchable
 * @param queryRuns measured runs of each query
 * @param threads indexing threads of the Lucene reference
 * @param indexDir where the Lucene reference writes (null: a temporary directory, deleted after)
 * @param traceFraction share of records with a trace and span id
 * @param signal logs or traces
 * @param spans spans to send in traces mode (about: whole traces of 5 to 15 spans)
 * @param series series to send in metrics mode
 * @param samples samples per series in metrics mode, 1 s apart, ending now
 * @param prom base URL of the Prometheus API in metrics mode ({@code /api/v1/write} and {@code
 *     /api/v1/query_range} under it)
 * @param serverPid process id of the server, for its CPU time from {@code /proc} (0: not measured)
 * @param name the first cell of the result row (null: the mode's default)
 * @param headers extra HTTP headers sent with every request to the server under test (ingest and
 *     queries), e.g. {@code Authorization}; empty by default
 * @param protocol how the metrics mode sends: remote_write or OTLP/HTTP
 * @param warmupSamples metrics mode: samples per series of other series (instances {@code
 *     warm-NNN}) sent before the measured run, older than anything the measured run sends or
 *     queries, and not counted in the result (0: no warm-up)
 */
public record BenchArgs(
    URI otlp,
    URI api,
    long records,
    int connections,
    int batch,
    Path datasets,
    Path dataDir,
    long seed,
    int needles,
    String word,
    TimeMode timeMode,
    Duration waitLimit,
    int queryRuns,
    int threads,
    Path indexDir,
    double traceFraction,
    Signal signal,
    long spans,
    int series,
    int samples,
    URI prom,
    long serverPid,
    String name,
    Map<String, String> headers,
    MetricsProtocol protocol,
    int warmupSamples) {

  /** Header names the JDK HTTP client sets itself and refuses from callers. */
  private static final Set<String> RESTRICTED_HEADERS =
      Set.of("connection", "content-length", "expect", "host", "upgrade");

  public BenchArgs {
    headers = Map.copyOf(headers);
  }

  static final String USAGE =
      """
      options (all optional):
        --otlp URL          OTLP/HTTP base URL (default http://127.0.0.1:4318)
        --api URL           HTTP API base URL (default http://127.0.0.1:8080)
        --records N         records to send / index (default 1000000)
        --connections N     sender threads, one connection each (default 4)
        --batch N           records per request (default 1000)
        --datasets DIR      loghub *.log samples (default testdata/loghub)
        --data-dir DIR      server data dir, for bytes on disk (default: not measured)
        --seed N            corpus seed (default 42)
        --needles N         records carrying the needle token (default 100)
        --word W            common word for the word queries (default error)
        --time spread|now   timestamps over the last 24 h, or now (default spread)
        --wait-seconds N    deadline for everything to be searchable (default 900)
        --query-runs N      measured runs per query (default 20)
        --threads N         Lucene reference indexing threads (default 2)
        --index-dir DIR     Lucene reference index dir (default: temporary, deleted after)
        --trace-fraction F  share of records with trace and span ids, 0..1 (default 0)
        --signal logs|traces|metrics  what to send (default logs); in traces and metrics mode
                            --records, --datasets, --needles, --word and --trace-fraction are
                            ignored
        --spans N           traces mode: about N spans, in traces of 5 to 15 (default 1000000);
                            --batch counts spans, --query-runs defaults to 50, --time spread
                            spreads over the last hour
        --series N          metrics mode: node-exporter shaped series, 50 per host (default 1000);
                            --batch counts samples per remote_write request (default 2000)
        --samples N         metrics mode: samples per series, 1 s apart, ending now (default 3600)
        --prom URL          metrics mode: Prometheus API base; remote_write to URL/api/v1/write,
                            queries to URL/api/v1/query_range (default: --api URL + /prometheus)
        --server-pid PID    server process, for its CPU seconds from /proc (default: not measured)
        --name TEXT         first cell of the result row (default: the mode's name)
        --header NAME:VALUE extra HTTP header on every request to the server (ingest and queries),
                            repeatable, e.g. --header 'Authorization: Bearer TOKEN' (default none)
        --protocol remote_write|otlp  metrics mode: remote_write, or OTLP/HTTP protobuf to
                            --otlp URL/v1/metrics (default remote_write)
        --warmup-samples N  metrics mode: before the measured run, send N samples per series of as
                            many other series (instances warm-NNN:9100 instead of host-NNN:9100,
                            same families and shape, same protocol, batch and connections), 1 s
                            apart, ending 10 min before the oldest sample the measured run sends or
                            queries; wait for every acknowledgement and for the server's CPU to
                            settle, then measure as usual. The warm-up (a fresh JVM's JIT, first
                            partitions) counts nowhere in the result row; the log reports it
                            (default 0: no warm-up)
      """;

  public static BenchArgs defaults() {
    return parse();
  }

  /** Parses {@code --name value} pairs over the defaults. */
  public static BenchArgs parse(String... args) {
    URI otlp = URI.create("http://127.0.0.1:4318");
    URI api = URI.create("http://127.0.0.1:8080");
    long records = 1_000_000;
    int connections = 4;
    int batch = -1;
    Path datasets = Path.of("testdata/loghub");
    Path dataDir = null;
    long seed = 42;
    int needles = CorpusConfig.DEFAULT_NEEDLES;
    String word = "error";
    TimeMode timeMode = TimeMode.SPREAD;
    Duration waitLimit = Duration.ofSeconds(900);
    int queryRuns = -1;
    int threads = 2;
    Path indexDir = null;
    double traceFraction = CorpusConfig.DEFAULT_TRACE_FRACTION;
    Signal signal = Signal.LOGS;
    long spans = 1_000_000;
    int series = 1000;
    int samples = 3600;
    URI prom = null;
    long serverPid = 0;
    String rowName = null;
    Map<String, String> headers = new LinkedHashMap<>();
    MetricsProtocol protocol = MetricsProtocol.REMOTE_WRITE;
    int warmupSamples = 0;
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (!name.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected '--option value', got '" + name + "'\n" + USAGE);
      }
      String v = args[++i];
      switch (name) {
        case "--otlp" -> otlp = uri(v);
        case "--api" -> api = uri(v);
        case "--records" -> records = positive(name, v, Long.MAX_VALUE);
        case "--connections" -> connections = (int) positive(name, v, 1024);
        case "--batch" -> batch = (int) positive(name, v, 1_000_000);
        case "--datasets" -> datasets = Path.of(v);
        case "--data-dir" -> dataDir = Path.of(v);
        case "--seed" -> seed = number(name, v);
        case "--needles" -> needles = (int) positive(name, v, 1_000_000);
        case "--word" -> word = word(v);
        case "--time" -> timeMode = timeMode(v);
        case "--wait-seconds" -> waitLimit = Duration.ofSeconds(positive(name, v, 86_400));
        case "--query-runs" -> queryRuns = (int) positive(name, v, 10_000);
        case "--threads" -> threads = (int) positive(name, v, 256);
        case "--index-dir" -> indexDir = Path.of(v);
        case "--trace-fraction" -> traceFraction = fraction(name, v);
        case "--signal" -> signal = signal(v);
        case "--spans" -> spans = positive(name, v, 1L << 40);
        case "--series" -> series = (int) positive(name, v, 10_000_000);
        case "--samples" -> samples = (int) positive(name, v, 1_000_000);
        case "--prom" -> prom = uri(v);
        case "--server-pid" -> serverPid = positive(name, v, Long.MAX_VALUE);
        case "--name" -> rowName = name(v);
        case "--header" -> header(v, headers);
        case "--protocol" -> protocol = protocol(v);
        case "--warmup-samples" -> warmupSamples = (int) between(name, v, 0, 1_000_000);
        default -> throw new IllegalArgumentException("unknown option '" + name + "'\n" + USAGE);
      }
    }
    if (batch < 0) {
      batch = signal == Signal.METRICS ? 2000 : 1000;
    }
    if (prom == null) {
      prom = URI.create(api + "/prometheus");
    }
    if (queryRuns < 0) {
      queryRuns = signal == Signal.TRACES ? 50 : 20;
    }
    return new BenchArgs(otlp, api, records, connections, batch, datasets, dataDir, seed, needles, word,
        timeMode, waitLimit, queryRuns, threads, indexDir, traceFraction, signal, spans, series, samples, prom,
        serverPid, rowName, headers, protocol, warmupSamples);
  }

  private static URI uri(String v) {
    URI u = URI.create(v.endsWith("/") ? v.substring(0, v.length() - 1) : v);
    if (!"http".equals(u.getScheme()) || u.getHost() == null) {
      throw new IllegalArgumentException("invalid URL '" + v + "': use http://127.0.0.1:port");
    }
    boolean loopback;
    try {
      loopback = InetAddress.getByName(u.getHost()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      loopback = false;
    }
    if (!loopback) {
      throw new IllegalArgumentException(
          "URL '" + v + "' is not a loopback address: the benchmark only targets 127.0.0.0/8, localhost or [::1]");
    }
    return u;
  }

  private static long number(String name, String v) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'");
    }
  }

  private static long positive(String name, String v, long max) {
    return between(name, v, 1, max);
  }

  private static long between(String name, String v, long min, long max) {
    long n = number(name, v);
    if (n < min || n > max) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + v);
    }
    return n;
  }

  private static double fraction(String name, String v) {
    double d;
    try {
      d = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      d = Double.NaN;
    }
    if (!(d >= 0 && d <= 1)) {
      throw new IllegalArgumentException(name + " must be a number between 0 and 1, got '" + v + "'");
    }
    return d;
  }

  private static String word(String v) {
    if (!v.matches("[A-Za-z]+")) {
      throw new IllegalArgumentException("--word must be letters only, got '" + v + "'");
    }
    return v.toLowerCase(Locale.ROOT);
  }

  private static String name(String v) {
    if (v.isBlank() || v.length() > 100 || v.contains("|")) {
      throw new IllegalArgumentException("--name must be 1 to 100 characters without '|', got '" + v + "'");
    }
    return v;
  }

  /** Adds {@code NAME:VALUE} (spaces around the value trimmed) to {@code headers}; the value is never echoed. */
  private static void header(String v, Map<String, String> headers) {
    int colon = v.indexOf(':');
    String name = colon < 0 ? v : v.substring(0, colon).trim();
    if (colon < 0 || !name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
      throw new IllegalArgumentException(
          "--header must be NAME:VALUE with a header name (letters, digits, '-') before the colon");
    }
    String value = v.substring(colon + 1).trim();
    if (value.chars().anyMatch(ch -> ch < 0x20 && ch != '\t' || ch == 0x7f)) {
      throw new IllegalArgumentException("--header " + name + ": the value must not hold control characters");
    }
    String key = name.toLowerCase(Locale.ROOT);
    if (RESTRICTED_HEADERS.contains(key)) {
      throw new IllegalArgumentException(
          "--header " + name + " is set by the HTTP client itself; not allowed are " + RESTRICTED_HEADERS);
    }
    if (headers.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(name))) {
      throw new IllegalArgumentException("--header " + name + " given twice: each header name at most once");
    }
    headers.put(name, value);
  }

  private static MetricsProtocol protocol(String v) {
    return switch (v) {
      case "remote_write" -> MetricsProtocol.REMOTE_WRITE;
      case "otlp" -> MetricsProtocol.OTLP;
      default -> throw new IllegalArgumentException("--protocol must be remote_write or otlp, got '" + v + "'");
    };
  }

  private static Signal signal(String v) {
    return switch (v) {
      case "logs" -> Signal.LOGS;
      case "traces" -> Signal.TRACES;
      case "metrics" -> Signal.METRICS;
      default -> throw new IllegalArgumentException("--signal must be logs, traces or metrics, got '" + v + "'");
    };
  }

  private static TimeMode timeMode(String v) {
    return switch (v) {
      case "spread" -> TimeMode.SPREAD;
      case "now" -> TimeMode.NOW;
      default -> throw new IllegalArgumentException("--time must be spread or now, got '" + v + "'");
    };
  }

  /** One benchmark run: progress to {@code log}, a summary back. */
  @FunctionalInterface
  public interface Runner {
    ResultRow run(BenchArgs args, java.io.PrintStream log) throws Exception;
  }

  /** Shared {@code main}: parses the arguments (exit 2 with the message when bad), runs, prints the row. */
  static void runMain(String[] args, Runner runner) throws Exception {
    BenchArgs a;
    try {
      a = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    ResultRow s = runner.run(a, System.err);
    System.out.println(s.header());
    System.out.println(s.row());
  }
}
