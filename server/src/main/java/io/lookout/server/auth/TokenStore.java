package io.lookout.server.auth;

import io.lookout.model.LookoutException;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live token table: {@code LOOKOUT_TOKENS} plus {@code LOOKOUT_TOKENS_FILE}, the file
 * re-read when its content changes (polled). A file that fails to parse keeps the previous table
 * and is reported (log and {@code lookout_auth_token_reloads_total{result="error"}}).
 */
public final class TokenStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TokenStore.class);

  private final Path file;
  private final TokenTable inline;
  private final AtomicReference<TokenTable> current = new AtomicReference<>();
  private final Counter reloads;
  private final AuditLog audit;
  private byte[] fileDigest = new byte[0];
  private Vertx vertx;
  private long timer = -1;

  /**
   * Loads the tables once; a missing or invalid file fails the start.
   *
   * @throws LookoutException bad_data naming the variable or file and the problem
   */
  public TokenStore(AuthConfig config, PrometheusRegistry registry) {
    this(config, registry, null);
  }

  /** @param audit where reloads of the file are recorded; null for none */
  public TokenStore(AuthConfig config, PrometheusRegistry registry, AuditLog audit) {
    this.audit = audit;
    this.file = config.tokensFile();
    this.inline = config.tokensInline() == null
        ? TokenTable.empty()
        : TokenTable.parse(config.tokensInline(), AuthConfig.TOKENS_ENV);
    this.reloads = Counter.builder().name("lookout_auth_token_reloads_total")
        .help("token file reloads by result (ok, error)").labelNames("result").register(registry);
    GaugeWithCallback.builder().name("lookout_auth_tokens")
        .help("API tokens in the live token table")
        .callback(cb -> cb.call(table().size())).register(registry);
    TokenTable fromFile = TokenTable.empty();
    if (file != null) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        throw LookoutException.badData("cannot read " + AuthConfig.TOKENS_FILE_ENV + " " + file + ": " + e);
      }
      fromFile = TokenTable.parse(new String(bytes, StandardCharsets.UTF_8), file.toString());
      fileDigest = TokenTable.sha256(new String(bytes, StandardCharsets.ISO_8859_1));
    }
    current.set(inline.plus(fromFile));
    LOG.info("token table loaded: {} tokens", current.get().size());
  }

  /** Starts polling the file every {@code config.tokensReload()}; nothing to do without a file. */
  public void watch(Vertx vertx, java.time.Duration interval) {
    if (file == null) {
      return;
    }
    this.vertx = vertx;
    timer = vertx.setPeriodic(interval.toMillis(), id ->
        vertx.executeBlocking(() -> {
          reload();
          return null;
        }, false));
  }

  public TokenTable table() {
    return current.get();
  }

  /** Re-reads the file; swaps the table when its content changed and parses. Blocking. */
  synchronized void reload() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      if (!Arrays.equals(fileDigest, new byte[0])) {
        LOG.warn("cannot read token file {}: {}; keeping the previous table", file, e.toString());
        reloads.labelValues("error").inc();
        fileDigest = new byte[0];
        if (audit != null) {
          audit.tokensReload(file.toString(), false, 0, "cannot read the file: " + e.getClass().getSimpleName());
        }
      }
      return;
    }
    byte[] digest = TokenTable.sha256(new String(bytes, StandardCharsets.ISO_8859_1));
    if (MessageDigest.isEqual(digest, fileDigest)) {
      return;
    }
    fileDigest = digest;
    try {
      TokenTable t = TokenTable.parse(new String(bytes, StandardCharsets.UTF_8), file.toString());
      current.set(inline.plus(t));
      reloads.labelValues("ok").inc();
      LOG.info("token file {} reloaded: {} tokens", file, current.get().size());
      if (audit != null) {
        audit.tokensReload(file.toString(), true, current.get().size(), null);
      }
    } catch (LookoutException e) {
      reloads.labelValues("error").inc();
      LOG.warn("token file {} not reloaded, keeping the previous table: {}", file, e.getMessage());
      if (audit != null) {
        audit.tokensReload(file.toString(), false, 0, e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    if (vertx != null && timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }
}
