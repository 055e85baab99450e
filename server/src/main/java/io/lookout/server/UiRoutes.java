package io.lookout.server;

import io.lookout.ui.UiAssets;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * The web UI: its page at {@code /} and at every deep link ({@code /logs}, {@code /traces},
 * {@code /traces/{id}}, {@code /alerts}, {@code /health}, {@code /api}, and {@code /metrics} when a
 * browser asks for HTML, while scrapers keep getting the exposition), and its files under
 * {@code /ui/<buildId>/...}. Asset URLs change with every build, so they are cached for a year
 * ({@code immutable}); the page itself is revalidated on each load. The security headers
 * (Content-Security-Policy and the rest) come from {@code HttpHardening} on every response.
 */
final class UiRoutes {
  static final String PAGE_CACHE = "no-cache";
  static final String ASSET_CACHE = "public, max-age=31536000, immutable";

  private final UiAssets assets;
  private final Buffer index;

  UiRoutes(UiAssets assets) {
    this.assets = assets;
    this.index = Buffer.buffer(assets.index().bytes());
  }

  /** Mount before {@link OpsRoutes}: {@code /metrics} answers browsers here and scrapers there. */
  void mount(Router router) {
    for (String page : new String[] {"/", "/logs", "/traces", "/traces/:traceId", "/alerts", "/health", "/api"}) {
      router.get(page).handler(this::page);
    }
    router.get("/metrics").handler(ctx -> {
      if (wantsHtml(ctx)) {
        page(ctx);
      } else {
        ctx.next();
      }
    });
    router.get(UiAssets.PREFIX + "*").handler(this::asset);
  }

  /** A browser navigation: HTML is the first type it accepts (scrapers send text/plain or OpenMetrics). */
  static boolean wantsHtml(RoutingContext ctx) {
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    return accept != null && accept.toLowerCase(Locale.ROOT).startsWith("text/html");
  }

  private void page(RoutingContext ctx) {
    UiAssets.Asset a = assets.index();
    ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, PAGE_CACHE).putHeader(HttpHeaders.VARY, "Accept");
    send(ctx, a, index);
  }

  private void asset(RoutingContext ctx) {
    String rest = ctx.request().path().substring(UiAssets.PREFIX.length());
    int slash = rest.indexOf('/');
    UiAssets.Asset a = slash < 0 ? null : assets.find(rest.substring(slash + 1)).orElse(null);
    if (a == null) {
      ctx.response().setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
          .end("no ui file at " + abbreviate(ctx.request().path()) + "\n");
      return;
    }
    // an old build id still gets today's file, but only for a short while
    boolean current = rest.substring(0, slash).equals(assets.buildId());
    ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, current ? ASSET_CACHE : PAGE_CACHE);
    send(ctx, a, Buffer.buffer(a.bytes()));
  }

  private static void send(RoutingContext ctx, UiAssets.Asset a, Buffer body) {
    ctx.response().putHeader(HttpHeaders.ETAG, a.etag());
    if (a.etag().equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
      ctx.response().setStatusCode(304).end();
      return;
    }
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, a.contentType()).end(body);
  }

  private static String abbreviate(String v) {
    return v.length() > 64 ? v.substring(0, 64) + "..." : v;
  }
}
