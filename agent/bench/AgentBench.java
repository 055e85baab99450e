// Agent benchmark: run with `java AgentBench.java` (JDK 21+, no dependencies), see agent-bench.sh.
//
// Phase 1 (backlog): a file of N loghub-like lines (the testdata/loghub samples, digits
// randomised) exists before the agent starts; time and agent CPU until Lookout acknowledged all.
// Phase 2 (steady): a fresh agent tails a file written at RATE lines/s for SECONDS; agent RSS
// (VmRSS, sampled each second) and CPU per second of wall time.
// Upstream is the real server jar, or with --null-upstream a discarding OTLP/HTTP endpoint in this JVM.
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

public class AgentBench {
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final long CLK_TCK = 100;
  /**
   * The agent runs through agent/bin/lookout-agent (its JVM flags and MALLOC_ARENA_MAX, as users run it)
   * unless AGENT_JVM_OPTS is set: then {@code java $AGENT_JVM_OPTS -jar} directly, for experiments.
   */
  static final String JVM_OPTS = System.getenv("AGENT_JVM_OPTS");
  static String launcher = "agent/bin/lookout-agent";

  public static void main(String[] a) throws Exception {
    String agentJar = "agent/target/lookout-agent.jar";
    String serverJar = "server/target/lookout-server.jar";
    String loghub = "testdata/loghub";
    long lines = 1_000_000;
    int rate = 10_000;
    int seconds = 60;
    boolean nullUpstream = false;
    boolean skipBacklog = false;
    for (int i = 0; i < a.length; i++) {
      switch (a[i]) {
        case "--agent-jar" -> agentJar = a[++i];
        case "--server-jar" -> serverJar = a[++i];
        case "--loghub" -> loghub = a[++i];
        case "--lines" -> lines = Long.parseLong(a[++i]);
        case "--rate" -> rate = Integer.parseInt(a[++i]);
        case "--seconds" -> seconds = Integer.parseInt(a[++i]);
        case "--null-upstream" -> nullUpstream = true;
        case "--skip-backlog" -> skipBacklog = true;
        case "--launcher" -> launcher = a[++i];
        default -> throw new IllegalArgumentException("unknown argument " + a[i]);
      }
    }
    Path work = Files.createTempDirectory("agent-bench");
    List<String> samples = samples(Path.of(loghub));
    Process server = null;
    HttpServer sink = null;
    String endpoint;
    if (nullUpstream) {
      sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
      sink.createContext("/", ex -> {
        ex.getRequestBody().transferTo(java.io.OutputStream.nullOutputStream());
        ex.sendResponseHeaders(200, -1);
        ex.close();
      });
      sink.start();
      endpoint = "http://127.0.0.1:" + sink.getAddress().getPort();
    } else {
      int api = freePort();
      int otlp = freePort();
      ProcessBuilder pb = new ProcessBuilder(java(), "-Xmx1g", "-jar", serverJar);
      pb.environment().put("LOOKOUT_DATA_DIR", work.resolve("server").toString());
      pb.environment().put("LOOKOUT_HTTP_PORT", Integer.toString(api));
      pb.environment().put("LOOKOUT_OTLP_HTTP_PORT", Integer.toString(otlp));
      pb.environment().put("LOOKOUT_OTLP_GRPC_PORT", Integer.toString(freePort()));
      pb.environment().put("LOOKOUT_BIND_ADDRESS", "127.0.0.1");
      pb.redirectErrorStream(true).redirectOutput(work.resolve("server.log").toFile());
      server = pb.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (status("http://127.0.0.1:" + api + "/readyz") != 200) {
        if (System.nanoTime() > deadline || !server.isAlive()) {
          throw new IllegalStateException("server did not start, see " + work.resolve("server.log"));
        }
        Thread.sleep(200);
      }
      endpoint = "http://127.0.0.1:" + otlp;
    }
    try {
      System.out.printf("upstream: %s, agent JVM: %s%n", nullUpstream ? "discarding endpoint" : "real server",
          JVM_OPTS == null ? launcher : JVM_OPTS);
      if (!skipBacklog) {
        backlog(work, agentJar, endpoint, samples, lines);
      }
      steady(work, agentJar, endpoint, samples, rate, seconds);
    } finally {
      if (server != null) {
        server.destroy();
        server.waitFor(60, TimeUnit.SECONDS);
      }
      if (sink != null) {
        sink.stop(0);
      }
    }
  }

  static void backlog(Path work, String jar, String endpoint, List<String> samples, long n) throws Exception {
    Path logs = Files.createDirectories(work.resolve("backlog"));
    Random rnd = new Random(1);
    long bytes = 0;
    try (BufferedWriter w = Files.newBufferedWriter(logs.resolve("app.log"))) {
      for (long i = 0; i < n; i++) {
        String l = randomise(samples.get((int) (i % samples.size())), rnd);
        w.write(l);
        w.write('\n');
        bytes += l.length() + 1;
      }
    }
    Agent agent = Agent.start(work.resolve("agent-backlog"), jar, endpoint, logs, "5GiB");
    long t0 = System.nanoTime();
    long cpu0 = agent.cpuTicks();
    long maxRss = 0;
    while (agent.metric("lookout_agent_upload_items_total") < n) {
      maxRss = Math.max(maxRss, agent.rssKb());
      Thread.sleep(200);
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    double cpu = (agent.cpuTicks() - cpu0) / (double) CLK_TCK;
    System.out.printf("backlog: %d lines, %.1f MB, drained in %.1f s wall (%.0f lines/s, %.1f MB/s), agent CPU %.1f s"
        + " -> %.0f lines per agent CPU-second, max RSS %d MB%n",
        n, bytes / 1e6, wall, n / wall, bytes / 1e6 / wall, cpu, n / cpu, maxRss / 1024);
    agent.stop();
  }

  static void steady(Path work, String jar, String endpoint, List<String> samples, int rate, int seconds) throws Exception {
    Path logs = Files.createDirectories(work.resolve("steady"));
    Path file = logs.resolve("app.log");
    Files.writeString(file, "");
    Agent agent = Agent.start(work.resolve("agent-steady"), jar, endpoint, logs, "1GiB");
    Random rnd = new Random(2);
    int perTick = rate / 100;
    long written = 0;
    long cpu0 = agent.cpuTicks();
    long t0 = System.nanoTime();
    long next = t0;
    List<long[]> rss = new ArrayList<>();
    long nextSample = t0 + 1_000_000_000L;
    try (var out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
      while (System.nanoTime() - t0 < seconds * 1_000_000_000L) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < perTick; i++) {
          b.append(randomise(samples.get((int) (written++ % samples.size())), rnd)).append('\n');
        }
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        if (System.nanoTime() >= nextSample) {
          rss.add(agent.rssParts());
          nextSample += 1_000_000_000L;
        }
        next += 10_000_000L;
        long sleep = next - System.nanoTime();
        if (sleep > 0) {
          Thread.sleep(sleep / 1_000_000L, (int) (sleep % 1_000_000L));
        }
      }
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    double cpu = (agent.cpuTicks() - cpu0) / (double) CLK_TCK;
    long lag0 = System.nanoTime();
    while (agent.metric("lookout_agent_upload_items_total") < written) {
      Thread.sleep(100);
    }
    System.out.printf("steady: %d lines in %.1f s (%.0f lines/s), agent CPU %.2f s = %.1f%% of a core"
        + " (%.1f%% per 10k lines/s), caught up %.1f s after the writer stopped%n",
        written, wall, written / wall, cpu, 100 * cpu / wall, 100 * cpu / wall * 10_000 / (written / wall),
        (System.nanoTime() - lag0) / 1e9);
    String[] names = {"VmRSS", "RssAnon", "RssFile", "RssShmem"};
    for (int k = 0; k < names.length; k++) {
      int col = k;
      long[] v = rss.stream().mapToLong(r -> r[col]).sorted().toArray();
      System.out.printf("  %-8s median %5.1f MB  max %5.1f MB%n", names[k],
          v.length == 0 ? 0 : v[v.length / 2] / 1024.0, v.length == 0 ? 0 : v[v.length - 1] / 1024.0);
    }
    if (JVM_OPTS != null && JVM_OPTS.contains("NativeMemoryTracking")) {
      Path nmt = work.resolve("agent-steady-nmt.txt");
      new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          Long.toString(agent.process().pid()), "VM.native_memory", "summary")
          .redirectErrorStream(true).redirectOutput(nmt.toFile()).start().waitFor();
      System.out.println("  native memory summary: " + nmt);
    }
    agent.stop();
  }

  static List<String> samples(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    try (var s = Files.list(dir)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
        out.addAll(Files.readAllLines(p, StandardCharsets.ISO_8859_1));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("no *.log samples in " + dir);
    }
    return out;
  }

  static String randomise(String line, Random rnd) {
    char[] c = line.toCharArray();
    for (int i = 0; i < c.length; i++) {
      if (c[i] >= '0' && c[i] <= '9') {
        c[i] = (char) ('0' + rnd.nextInt(10));
      }
    }
    return new String(c);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static int status(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  record Agent(Process process, int port) {
    static Agent start(Path dir, String jar, String endpoint, Path logs, String buffer) throws Exception {
      Files.createDirectories(dir);
      int port = freePort();
      Path cfg = dir.resolve("agent.yaml");
      Files.writeString(cfg, """
          endpoint: %s
          data_dir: %s
          http_port: %d
          buffer: {max_bytes: %s}
          files:
            - paths: ["%s/*.log"]
              service: bench
          """.formatted(endpoint, dir.resolve("data"), port, buffer, logs));
      List<String> cmd = new ArrayList<>();
      if (JVM_OPTS == null) {
        cmd.addAll(List.of("sh", launcher, cfg.toString())); // the script execs java: same pid
      } else {
        cmd.add(java());
        cmd.addAll(List.of(JVM_OPTS.trim().split("\\s+")));
        cmd.addAll(List.of("-jar", jar, cfg.toString()));
      }
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.environment().put("LOOKOUT_AGENT_JAR", jar);
      pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
      pb.redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile());
      Process p = pb.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (status("http://127.0.0.1:" + port + "/healthz") != 200) {
        if (System.nanoTime() > deadline || !p.isAlive()) {
          throw new IllegalStateException("agent did not start, see " + dir.resolve("agent.log"));
        }
        Thread.sleep(100);
      }
      return new Agent(p, port);
    }

    double metric(String name) throws Exception {
      String text = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      double sum = 0;
      for (String line : text.split("\n")) {
        if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return sum;
    }

    long cpuTicks() throws IOException {
      String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
    }

    /** VmRSS, RssAnon, RssFile, RssShmem in kB. */
    long[] rssParts() throws IOException {
      String[] names = {"VmRSS:", "RssAnon:", "RssFile:", "RssShmem:"};
      long[] out = new long[names.length];
      for (String l : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        for (int k = 0; k < names.length; k++) {
          if (l.startsWith(names[k])) {
            out[k] = Long.parseLong(l.replaceAll("\\D", ""));
          }
        }
      }
      return out;
    }

    long rssKb() throws IOException {
      for (String l : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (l.startsWith("VmRSS:")) {
          return Long.parseLong(l.replaceAll("\\D", ""));
        }
      }
      return 0;
    }

    void stop() throws InterruptedException {
      process.destroy();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
