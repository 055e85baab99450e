package io.lookout.agent.relay;

import io.lookout.agent.pipeline.Sink;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local OTLP receiver so applications on the host can send to the agent: OTLP/gRPC (the logs,
 * trace and metrics {@code Export} services) on one port and OTLP/HTTP ({@code /v1/logs},
 * {@code /v1/traces}, {@code /v1/metrics}; protobuf or JSON; gzip) on another. Every request is
 * handed to the sink as protobuf and acknowledged only when the sink has it durably; when the
 * sink refuses, clients get HTTP 503 with {@code Retry-After} or gRPC UNAVAILABLE, and retry.
 * Requests over {@value #DEFAULT_MAX_REQUEST_BYTES} bytes (also after gzip) are refused.
 *
 * <p>Vert.x with one event loop and two workers, created by {@link #start()} only.
 */
public final class OtlpRelay implements AutoCloseable {
  public static final long DEFAULT_MAX_REQUEST_BYTES = 16L << 20;

  private static final Logger LOG = LoggerFactory.getLogger(OtlpRelay.class);

  private final String host;
  private final int grpcPort;
  private final int httpPort;
  private final RelayPipeline pipeline;
  private Vertx vertx;
  private int actualGrpcPort = -1;
  private int actualHttpPort = -1;

  /**
   * @param host the address to listen on, e.g. {@code 127.0.0.1} (local applications only) or
   *     {@code 0.0.0.0}
   * @param grpcPort the OTLP/gRPC port; 0 picks a free one, a negative port disables gRPC
   * @param httpPort the OTLP/HTTP port; 0 picks a free one, a negative port disables HTTP
   */
  public OtlpRelay(String host, int grpcPort, int httpPort, Sink sink, PrometheusRegistry registry) {
    this(host, grpcPort, httpPort, sink, registry, DEFAULT_MAX_REQUEST_BYTES);
  }

  OtlpRelay(String host, int grpcPort, int httpPort, Sink sink, PrometheusRegistry registry, long maxRequestBytes) {
    this.host = Objects.requireNonNull(host, "host");
    if (grpcPort > 65535 || httpPort > 65535) {
      throw new IllegalArgumentException("otlp_receiver ports must be at most 65535, got grpc_port " + grpcPort
          + " and http_port " + httpPort);
    }
    if (grpcPort >= 0 && grpcPort == httpPort && grpcPort != 0) {
      throw new IllegalArgumentException("otlp_receiver grpc_port and http_port are both " + grpcPort
          + ": use two different ports");
    }
    this.grpcPort = grpcPort;
    this.httpPort = httpPort;
    this.pipeline = new RelayPipeline(Objects.requireNonNull(sink, "sink"), maxRequestBytes, registry);
  }

  /**
   * Listens on the configured ports; returns once both listen.
   *
   * @throws IllegalStateException when a port cannot be bound (the message names it)
   */
  public synchronized void start() {
    if (vertx != null) {
      throw new IllegalStateException("otlp relay already started");
    }
    if (grpcPort < 0 && httpPort < 0) {
      return;
    }
    vertx = Vertx.vertx(new VertxOptions()
        .setEventLoopPoolSize(1)
        .setWorkerPoolSize(2)
        .setInternalBlockingPoolSize(1)
        .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
    try {
      if (grpcPort >= 0) {
        GrpcIngress grpc = new GrpcIngress(vertx, pipeline);
        HttpServer server = vertx.createHttpServer(options(grpcPort)).requestHandler(grpc.server());
        actualGrpcPort = listen(server, grpcPort, "grpc_port").actualPort();
      }
      if (httpPort >= 0) {
        HttpServer server = vertx.createHttpServer(options(httpPort)).requestHandler(new HttpIngress(vertx, pipeline));
        actualHttpPort = listen(server, httpPort, "http_port").actualPort();
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    LOG.info("otlp relay listening on {} (grpc port {}, http port {})", host, actualGrpcPort, actualHttpPort);
  }

  private HttpServerOptions options(int port) {
    return new HttpServerOptions()
        .setHost(host)
        .setPort(port)
        .setHttp2ClearTextEnabled(true)
        .setDecompressionSupported(false)
        .setCompressionSupported(false);
  }

  private HttpServer listen(HttpServer server, int port, String what) {
    Future<HttpServer> f = server.listen();
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IllegalStateException("otlp_receiver " + what + ": cannot listen on " + host + ":" + port + " ("
          + cause.getMessage() + "); choose a free port", cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the otlp relay", e);
    }
  }

  /** The gRPC port listened on; -1 when gRPC is disabled or not started. */
  public synchronized int grpcPort() {
    return actualGrpcPort;
  }

  /** The HTTP port listened on; -1 when HTTP is disabled or not started. */
  public synchronized int httpPort() {
    return actualHttpPort;
  }

  @Override
  public synchronized void close() {
    if (vertx == null) {
      return;
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("otlp relay did not stop cleanly: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      vertx = null;
      actualGrpcPort = -1;
      actualHttpPort = -1;
    }
  }
}
