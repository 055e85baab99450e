package io.lookout.agent;

import io.lookout.agent.config.AgentConfig;
import io.lookout.agent.config.FileInputConfig;
import io.lookout.agent.file.FileInput;
import io.lookout.agent.file.FileMetrics;
import io.lookout.agent.http.AgentHttp;
import io.lookout.agent.metrics.HostMetrics;
import io.lookout.agent.metrics.ScrapeTarget;
import io.lookout.agent.metrics.Scraper;
import io.lookout.agent.output.DiskQueue;
import io.lookout.agent.output.QueueSink;
import io.lookout.agent.output.Uploader;
import io.lookout.agent.relay.OtlpRelay;
import io.lookout.model.Service;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running agent: the disk queue, the uploader, every input, and its HTTP endpoint. */
public final class Agent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
  /** How long close() lets the uploader drain the queue before leaving the rest on disk. */
  static final Duration DRAIN_ON_CLOSE = Duration.ofSeconds(5);

  private final AgentConfig config;
  private final PrometheusRegistry registry;
  private final DiskQueue queue;
  private final QueueSink sink;
  private final Uploader uploader;
  private final List<FileInput> files = new ArrayList<>();
  private final List<AutoCloseable> others = new ArrayList<>();
  private OtlpRelay relay;
  private AgentHttp http;

  public Agent(AgentConfig config, PrometheusRegistry registry) throws IOException {
    this.config = config;
    this.registry = registry;
    Files.createDirectories(config.dataDir());
    queue = new DiskQueue(config.dataDir().resolve("queue"), config.buffer().maxBytes().bytes(),
        config.buffer().segmentBytes().bytes());
    sink = new QueueSink(queue, registry);
    uploader = new Uploader(queue, config, registry);
  }

  /** Starts the uploader, the inputs and the HTTP endpoint. */
  public void start() throws IOException {
    uploader.start();
    String host = hostName(config);
    Map<String, String> common = new LinkedHashMap<>();
    common.put("host.name", host);
    common.putAll(config.resource());
    FileMetrics fileMetrics = new FileMetrics(registry);
    Path ckpt = config.dataDir().resolve("checkpoints");
    for (FileInputConfig f : config.files()) {
      Map<String, String> res = new LinkedHashMap<>();
      if (f.service() != null) {
        res.put(Service.NAME_ATTRIBUTE, f.service());
      }
      res.putAll(common);
      res.putAll(f.resource());
      String id = HexFormat.of().formatHex(sha256(String.join("\n", f.paths()))).substring(0, 16);
      FileInput in = new FileInput(f, ckpt.resolve("files-" + id + ".txt"), res, sink,
          config.batch().maxRecords(), config.batch().maxBytes().bytes(), config.batch().timeout(), fileMetrics);
      in.start();
      files.add(in);
    }
    if (config.hostMetrics() != null) {
      HostMetrics hm = new HostMetrics(config.hostMetrics().procRoot(), config.hostMetrics().interval(), common, sink, registry);
      hm.start();
      others.add(hm);
    }
    if (!config.scrape().isEmpty()) {
      List<ScrapeTarget> targets = config.scrape().stream()
          .map(s -> new ScrapeTarget(s.url(), s.interval(), s.timeout(), s.labels())).toList();
      Scraper scraper = new Scraper(targets, common, sink, registry);
      scraper.start();
      others.add(scraper);
    }
    if (config.otlpReceiver() != null) {
      relay = new OtlpRelay(config.otlpReceiver().host(), config.otlpReceiver().grpcPort(),
          config.otlpReceiver().httpPort(), sink, registry);
      relay.start();
      LOG.info("OTLP relay listening on {} (gRPC {}, HTTP {})", config.otlpReceiver().host(), relay.grpcPort(), relay.httpPort());
    }
    if (config.httpPort() >= 0) {
      http = new AgentHttp("0.0.0.0", config.httpPort(), registry, this::health);
      http.start();
      LOG.info("agent metrics on http://0.0.0.0:{}/metrics", http.port());
    }
    LOG.info("agent started: {} file inputs, sending to {}", files.size(), config.endpoint());
  }

  /** The bound /metrics port, or -1. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  AgentHttp.Health health() {
    long used = queue.usedBytes();
    boolean upstream = uploader.healthy();
    boolean ok = upstream || used < queue.maxBytes() * 9 / 10;
    return new AgentHttp.Health(ok, "{\"status\":\"" + (ok ? "ok" : "failing") + "\",\"upstream\":\""
        + (upstream ? "ok" : "failing") + "\",\"queue_bytes\":" + used + ",\"queue_max_bytes\":" + queue.maxBytes() + "}");
  }

  /**
   * Stops inputs (their pending records go to the queue), lets the uploader drain for up to
   * {@link #DRAIN_ON_CLOSE}, and closes the queue; what is left is sent after the next start.
   */
  @Override
  public void close() {
    if (relay != null) {
      quietly(relay);
    }
    for (AutoCloseable c : others) {
      quietly(c);
    }
    for (FileInput f : files) {
      quietly(f);
    }
    try {
      if (!uploader.drain(DRAIN_ON_CLOSE)) {
        LOG.info("stopping with {} bytes still queued; they are sent after the next start", queue.usedBytes());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    quietly(uploader);
    quietly(queue);
    if (http != null) {
      http.close();
    }
  }

  private static void quietly(AutoCloseable c) {
    try {
      c.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("error while stopping {}", c.getClass().getSimpleName(), e);
    }
  }

  static String hostName(AgentConfig config) {
    if (config.hostName() != null && !config.hostName().isBlank()) {
      return config.hostName();
    }
    try {
      Path etc = Path.of("/etc/hostname");
      if (Files.isReadable(etc)) {
        String h = Files.readString(etc, StandardCharsets.UTF_8).trim();
        if (!h.isEmpty()) {
          return h;
        }
      }
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  private static byte[] sha256(String s) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
