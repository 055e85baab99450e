package io.lookout.server;

import io.lookout.alerting.AlertingConfig;
import io.lookout.alerting.AlertingService;
import io.lookout.alerting.notify.Notifier;
import io.lookout.alerting.notify.NotifierOptions;
import io.lookout.ingest.IngestConfig;
import io.lookout.ingest.OtlpGrpcReceiver;
import io.lookout.ingest.OtlpHttpReceiver;
import io.lookout.ingest.LokiPushReceiver;
import io.lookout.ingest.RemoteWriteReceiver;
import io.lookout.ingest.metrics.OtlpToPrometheus;
import io.lookout.ingest.metrics.SpanMetrics;
import io.lookout.query.LogTailConfig;
import io.lookout.query.QueryApi;
import io.lookout.query.QueryConfig;
import io.lookout.ingest.IngestLimits;
import io.lookout.server.auth.Security;
import io.lookout.server.limits.HeaderDeadline;
import io.lookout.server.limits.HttpHardening;
import io.lookout.server.limits.TenantLimitsFile;
import io.lookout.storage.LuceneStorage;
import io.lookout.storage.StorageConfig;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wired server: storage, OTLP receivers on 4317/4318, the HTTP API on 8080. Starting opens
 * storage (replaying the write-ahead log) before the ingest ports accept anything; the API port
 * answers {@code /healthz} from the first moment and {@code /readyz} once storage is open.
 */
public final class LookoutServer {
  private static final Logger LOG = LoggerFactory.getLogger(LookoutServer.class);
  private static final long START_TIMEOUT_SECONDS = 60;

  private final ServerConfig config;
  private final Vertx vertx;
  private final PrometheusRegistry registry;
  private final Health health;
  private final List<HttpServer> ingestServers = new ArrayList<>();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private HttpServer apiServer;
  private LuceneStorage storage;
  private QueryApi queryApi;
  private SpanMetrics spanMetrics;
  private Notifier notifier;
  private AlertingService alerting;
  private Security security;
  private HttpHardening hardening;
  private HeaderDeadline headerDeadline;
  private TenantLimitsFile tenantLimits;
  private IngestLimits ingestLimits;

  private LookoutServer(ServerConfig config, Vertx vertx, PrometheusRegistry registry) {
    this.config = config;
    this.vertx = vertx;
    this.registry = registry;
    this.health = new Health();
  }

  /** Parses every module's configuration from {@code env}, opens storage and binds the ports. */
  public static LookoutServer start(Map<String, String> env) throws Exception {
    ServerConfig serverConfig = ServerConfig.fromEnv(env);
    StorageConfig storageConfig = StorageConfig.fromEnv(env);
    IngestConfig ingestConfig = IngestConfig.fromEnv(env);
    QueryConfig queryConfig = QueryConfig.fromEnv(env);
    LogTailConfig tailConfig = LogTailConfig.fromEnv(env);
    AlertingConfig alertingConfig = AlertingConfig.fromEnv(env, storageConfig.dataDir());
    NotifierOptions notifierOptions = NotifierOptions.fromEnv(env, storageConfig.dataDir());

    HttpHardening hardening = HttpHardening.fromEnv(env);

    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    // Vert.x whose HTTP listeners time each request head from accept (LOOKOUT_HTTP_HEADER_TIMEOUT)
    // and each HTTP/1 request body's rate (LOOKOUT_HTTP_MIN_BODY_RATE after LOOKOUT_HTTP_BODY_GRACE)
    HeaderDeadline headerDeadline = new HeaderDeadline(hardening, registry);
    Vertx vertx = headerDeadline.newVertx();
    LookoutServer server = new LookoutServer(serverConfig, vertx, registry);
    try {
      server.hardening = hardening;
      server.headerDeadline = headerDeadline;
      server.security = Security.start(vertx, env, registry, storageConfig.dataDir());
      server.tenantLimits = TenantLimitsFile.fromEnv(env, registry);
      server.tenantLimits.watch(vertx, TenantLimitsFile.RELOAD_INTERVAL); // file checks on a worker, not per request
      server.ingestLimits = new IngestLimits(server.tenantLimits);
      server.startApi();
      server.storage = LuceneStorage.open(storageConfig, registry);
      server.health.storage(server.storage::check);
      // Alerting: the notifier (outbox, webhooks) and the rule engine that feeds it. Their routes go
      // before the query API's catch-all under /prometheus/api/v1/ (rules, alerts).
      server.notifier = new Notifier(vertx, notifierOptions, registry, Clock.systemUTC());
      server.alerting = new AlertingService(vertx, server.storage.logs(), server.storage.spans(),
          server.storage.metrics(), queryConfig.engineOptions(), alertingConfig, server.notifier, server.notifier::configure, registry,
          Clock.systemUTC());
      server.notifier.mount(server.apiRouter);
      server.alerting.mount(server.apiRouter);
      // remote_write before the query API's catch-all routes under /prometheus/api/v1/.
      new RemoteWriteReceiver(vertx, server.storage.metrics(), ingestConfig, registry, server.security.ingestAuth())
          .limits(server.ingestLimits)
          .mount(server.apiRouter);
      // Loki push (POST /loki/api/v1/push) before the query API's routes under /loki/api/v1/.
      new LokiPushReceiver(vertx, server.storage.logs(), ingestConfig, registry, server.security.ingestAuth())
          .limits(server.ingestLimits)
          .mount(server.apiRouter);
      server.queryApi = new QueryApi(vertx, server.storage.logs(), server.storage.spans(), server.storage.metrics(),
          queryConfig, tailConfig, server.tenantLimits, registry, Clock.systemUTC());
      server.queryApi.mount(server.apiRouter);
      server.startIngest(ingestConfig);
      server.alerting.start();
      server.health.markReady();
      LOG.info("lookout ready: api port {}, otlp grpc port {}, otlp http port {}, data dir {}",
          server.httpPort(), server.otlpGrpcPort(), server.otlpHttpPort(), storageConfig.dataDir());
      return server;
    } catch (Exception e) {
      server.stop();
      throw e;
    }
  }

  private Router apiRouter;

  private void startApi() throws Exception {
    apiRouter = Router.router(vertx);
    hardening.mount(apiRouter); // security headers (and CORS when configured) on every response
    security.install(apiRouter); // authentication and the route table before every other route
    new UiRoutes(io.lookout.ui.UiAssets.load()).mount(apiRouter); // the web UI at / and its deep links
    new OpsRoutes(health, registry).mount(apiRouter);
    apiServer = await(headerDeadline.install(vertx.createHttpServer(hardening.apply(security.secure(new HttpServerOptions()
            .setHost(config.bindAddress())
            .setPort(config.httpPort())
            .setCompressionSupported(true), false))))
        .requestHandler(apiRouter)
        .listen());
  }

  private void startIngest(IngestConfig ingestConfig) throws Exception {
    // One translator for both OTLP receivers: it holds the delta-to-cumulative state.
    OtlpToPrometheus translator = new OtlpToPrometheus(OtlpToPrometheus.Options.DEFAULTS, registry);
    // RED series from every accepted span (traces_spanmetrics_*), written on their own timer.
    spanMetrics = SpanMetrics.start(storage.metrics(), ingestConfig, registry);
    OtlpHttpReceiver http = new OtlpHttpReceiver(vertx, storage.logs(), storage.spans(), storage.metrics(),
        translator, spanMetrics, ingestConfig, registry, security.ingestAuth()).limits(ingestLimits);
    Router otlpRouter = Router.router(vertx);
    http.mount(otlpRouter);
    // No BodyHandler and no transparent decompression: the receivers read and inflate bodies
    // themselves so that the size limit holds after decompression.
    ingestServers.add(await(headerDeadline.install(vertx.createHttpServer(hardening.apply(security.secure(
            OtlpHttpReceiver.serverOptions(config.otlpHttpPort()).setHost(config.bindAddress()), true))))
        .requestHandler(otlpRouter)
        .listen()));

    OtlpGrpcReceiver grpc = new OtlpGrpcReceiver(vertx, storage.logs(), storage.spans(), storage.metrics(),
        translator, spanMetrics, ingestConfig, registry, security.ingestAuth()).limits(ingestLimits);
    ingestServers.add(await(headerDeadline.install(vertx.createHttpServer(hardening.apply(security.secure(
            OtlpGrpcReceiver.serverOptions(config.otlpGrpcPort()).setHost(config.bindAddress()), true))))
        .requestHandler(grpc.grpcServer())
        .listen()));
  }

  public int httpPort() {
    return apiServer.actualPort();
  }

  public int otlpHttpPort() {
    return ingestServers.get(0).actualPort();
  }

  public int otlpGrpcPort() {
    return ingestServers.get(1).actualPort();
  }

  /**
   * Graceful stop: refuse new connections, let in-flight requests finish (up to the shutdown
   * timeout), then commit and close storage. Safe to call more than once.
   */
  public void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    LOG.info("stopping: refusing new connections, finishing in-flight requests, then committing");
    health.markStopping();
    long timeout = config.shutdownTimeoutMillis();
    List<Future<Void>> shutdowns = new ArrayList<>();
    for (HttpServer s : ingestServers) {
      shutdowns.add(s.shutdown(timeout, TimeUnit.MILLISECONDS));
    }
    if (apiServer != null) {
      shutdowns.add(apiServer.shutdown(timeout, TimeUnit.MILLISECONDS));
    }
    try {
      Future.join(shutdowns).toCompletionStage().toCompletableFuture()
          .get(timeout + 1000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("listeners did not shut down cleanly: {}", e.toString());
    }
    if (queryApi != null) {
      queryApi.close();
    }
    if (alerting != null) {
      alerting.close(); // stops evaluations and probes; alert state is already on disk
    }
    if (notifier != null) {
      notifier.close(); // the outbox stays on disk for the next start
    }
    if (spanMetrics != null) {
      spanMetrics.close(); // writes the last span metrics while storage is still open
    }
    if (security != null) {
      security.close();
    }
    if (tenantLimits != null) {
      tenantLimits.close();
    }
    if (storage != null) {
      try {
        storage.close();
      } catch (Exception e) {
        LOG.error("closing storage failed", e);
      }
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("vert.x did not close cleanly: {}", e.toString());
    }
    LOG.info("lookout stopped");
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }
}
