package io.lookout.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.ui.UiAssets;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UiRoutesTest {
  private final Vertx vertx = Vertx.vertx();
  private final UiAssets assets = UiAssets.load();
  private final HttpClient client = HttpClient.newHttpClient();
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    Router router = Router.router(vertx);
    new UiRoutes(assets).mount(router);
    router.get("/metrics").handler(ctx -> ctx.response().end("# exposition\n"));
    server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyDeepLinkAnswersTheAppPageRevalidatedOnEachLoad() throws Exception {
    for (String path : new String[] {"/", "/logs?query=a&start=now-1h", "/traces", "/traces/4bf92f3577b34da6a3ce929d0e0e4736",
        "/alerts", "/health", "/api"}) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
      assertThat(r.headers().firstValue("cache-control")).hasValue("no-cache");
      assertThat(r.body()).contains(assets.base() + "/app.js");
    }
  }

  @Test
  void metricsIsThePageForBrowsersAndTheExpositionForScrapers() throws Exception {
    assertThat(get("/metrics", "Accept", "text/html,application/xhtml+xml").body()).contains("<!doctype html>");
    assertThat(get("/metrics", "Accept", "text/plain;version=0.0.4").body()).isEqualTo("# exposition\n");
    assertThat(get("/metrics").body()).isEqualTo("# exposition\n");
  }

  @Test
  void assetsOfThisBuildAreImmutableAndOthersAreRevalidated() throws Exception {
    HttpResponse<String> current = get(assets.base() + "/app.js");
    HttpResponse<String> old = get("/ui/0123456789ab/app.js");

    assertThat(current.statusCode()).isEqualTo(200);
    assertThat(current.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
    assertThat(current.headers().firstValue("cache-control")).hasValue(UiRoutes.ASSET_CACHE);
    assertThat(old.statusCode()).isEqualTo(200);
    assertThat(old.headers().firstValue("cache-control")).hasValue("no-cache");
    assertThat(get(assets.base() + "/vendor/uPlot.esm.js").statusCode()).isEqualTo(200);
  }

  @Test
  void aMatchingEtagGets304() throws Exception {
    String etag = get(assets.base() + "/app.css").headers().firstValue("etag").orElseThrow();

    HttpResponse<String> r = get(assets.base() + "/app.css", "If-None-Match", etag);

    assertThat(r.statusCode()).isEqualTo(304);
    assertThat(r.body()).isEmpty();
  }

  @Test
  void unknownOrTraversingAssetPathsAre404() throws Exception {
    assertThat(get(assets.base() + "/nope.js").statusCode()).isEqualTo(404);
    assertThat(get("/ui/app.js").statusCode()).isEqualTo(404);
    assertThat(get(assets.base() + "/%2e%2e/build.properties").statusCode()).isEqualTo(404);
    assertThat(get(assets.base() + "/vendor/LICENSE").statusCode()).isEqualTo(404);
  }
}
