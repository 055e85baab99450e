package io.lookout.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.metrics.Exemplar;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.MetricMetadata;
import io.lookout.model.metrics.NativeHistogram;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PrometheusApiTest {
  private static final String P = "/prometheus/api/v1/";
  private final TestServer t = new TestServer();

  @BeforeEach
  void data() {
    t.metrics.addSeries(Labels.of("__name__", "up", "job", "api", "instance", "a"), 0, 60_000, 1, 1, 0, 1);
    t.metrics.addSeries(Labels.of("__name__", "up", "job", "web", "instance", "b"), 0, 60_000, 0.25, 1e21, 3e-7, 2);
    t.metrics.add("acme", Labels.of("__name__", "up", "job", "acme"), 0, 42);
    t.metrics.addMetadata(new MetricMetadata("up", MetricMetadata.Type.GAUGE, "", "whether the target is up"));
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void instantVectorHasPrometheusShape() {
    TestServer.Resp r = t.get(P + "query?query=" + q("up") + "&time=60");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().get("Content-Type")).isEqualTo("application/json");
    assertThat(r.body()).isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
        + "{\"metric\":{\"__name__\":\"up\",\"instance\":\"a\",\"job\":\"api\"},\"value\":[60,\"1\"]},"
        + "{\"metric\":{\"__name__\":\"up\",\"instance\":\"b\",\"job\":\"web\"},\"value\":[60,\"1000000000000000000000\"]}]}}");
  }

  @Test
  void nativeHistogramsHavePrometheusShape() {
    t.metrics.addHistogram(Labels.of("__name__", "nh", "job", "api"), new NativeHistogram(60_000, 0, 0.001, 2, 10, 12,
        List.of(new NativeHistogram.BucketSpan(1, 2)), new double[] {4, 2},
        List.of(new NativeHistogram.BucketSpan(1, 1)), new double[] {2}, null));
    String h = "{\"count\":\"10\",\"sum\":\"12\",\"buckets\":[[1,\"-2\",\"-1\",\"2\"],"
        + "[3,\"-0.001\",\"0.001\",\"2\"],[0,\"1\",\"2\",\"4\"],[0,\"2\",\"4\",\"2\"]]}";

    assertThat(t.get(P + "query?query=" + q("nh") + "&time=90").body())
        .isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
            + "{\"metric\":{\"__name__\":\"nh\",\"job\":\"api\"},\"histogram\":[90," + h + "]}]}}");
    assertThat(t.get(P + "query_range?query=" + q("nh") + "&start=60&end=120&step=60").body())
        .isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
            + "{\"metric\":{\"__name__\":\"nh\",\"job\":\"api\"},\"histograms\":[[60," + h + "],[120," + h
            + "]]}]}}");
    assertThat(t.get(P + "query?query=" + q("histogram_quantile(0.5, nh)") + "&time=90").body())
        .contains("\"value\":[90,\"1.189207115002721\"]");
    TestServer.Resp r = t.get(P + "query?query=" + q("nh + 1") + "&time=90");
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.errorType()).isEqualTo("execution");
  }

  @Test
  void floatsAndTimestampsAreFormattedAsPrometheus() {
    assertThat(t.get(P + "query?query=" + q("up{job=\"web\"}") + "&time=120.5").body())
        .contains("\"value\":[120.5,\"0.0000003\"]");
    assertThat(t.get(P + "query?query=" + q("up / 0") + "&time=60").body())
        .contains("\"value\":[60,\"+Inf\"]");
    assertThat(t.get(P + "query?query=" + q("-up / 0") + "&time=60").body()).contains("\"-Inf\"");
    assertThat(t.get(P + "query?query=" + q("up{job=\"api\"} - up{job=\"api\"} / 0") + "&time=60").body())
        .contains("\"-Inf\"");
    assertThat(t.get(P + "query?query=" + q("0/0") + "&time=1.001").body())
        .isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1.001,\"NaN\"]}}");
  }

  @Test
  void scalarAndStringResults() {
    assertThat(t.get(P + "query?query=" + q("1 + 1.5") + "&time=2026-01-02T15:00:00Z").body())
        .isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1767366000,\"2.5\"]}}");
    assertThat(t.get(P + "query?query=" + q("\"hi\"") + "&time=10").body())
        .isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"string\",\"result\":[10,\"hi\"]}}");
  }

  @Test
  void timeDefaultsToNow() {
    assertThat(t.get(P + "query?query=time()").body()).contains("[1767366000,\"1767366000\"]");
  }

  @Test
  void rangeQueryIsAMatrixSortedByLabels() {
    TestServer.Resp r = t.get(P + "query_range?query=" + q("up * 2") + "&start=0&end=120&step=1m");

    assertThat(r.body()).isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
        + "{\"metric\":{\"instance\":\"a\",\"job\":\"api\"},\"values\":[[0,\"2\"],[60,\"2\"],[120,\"0\"]]},"
        + "{\"metric\":{\"instance\":\"b\",\"job\":\"web\"},\"values\":[[0,\"0.5\"],[60,\"2000000000000000000000\"],"
        + "[120,\"0.0000006\"]]}]}}");
    assertThat(t.get(P + "query_range?query=up&start=0&end=120&step=60").body())
        .isEqualTo(t.get(P + "query_range?query=up&start=1970-01-01T00:00:00Z&end=120&step=1m").body());
  }

  @Test
  void postFormWorksLikeGet() {
    TestServer.Resp r = t.send(HttpMethod.POST, P + "query", Buffer.buffer("query=" + q("sum(up{job=\"api\"})") + "&time=60"),
        "Content-Type", "application/x-www-form-urlencoded");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).contains("{\"metric\":{},\"value\":[60,\"1\"]}");
  }

  @Test
  void tenantComesFromTheHeader() {
    assertThat(t.get(P + "query?query=up&time=0", "X-Scope-OrgID", "acme").body())
        .contains("{\"metric\":{\"__name__\":\"up\",\"job\":\"acme\"},\"value\":[0,\"42\"]}");
  }

  @Test
  void parseErrorIsBadDataWithThePosition() {
    TestServer.Resp r = t.get(P + "query?query=" + q("sum(up{job=})"));

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorType()).isEqualTo("bad_data");
    assertThat(r.error()).startsWith("invalid parameter \"query\": 1:12: parse error:");
    assertThat(t.get(P + "query").error()).startsWith("invalid parameter \"query\"");
  }

  @Test
  void unsupportedFunctionIs422() {
    TestServer.Resp r = t.get(P + "query?query=" + q("holt_winters(up[5m], 0.1, 0.1)"));

    assertThat(r.status()).isEqualTo(422);
    assertThat(r.errorType()).isEqualTo("execution");
    assertThat(r.error()).isEqualTo("function holt_winters is not supported yet");
  }

  @Test
  void rangeParametersAreValidated() {
    TestServer.Resp tooMany = t.get(P + "query_range?query=up&start=0&end=100000&step=1");
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.error()).contains("exceeded maximum resolution of 11000 points per timeseries");
    assertThat(t.get(P + "query_range?query=up&start=0&end=100").error()).startsWith("invalid parameter \"step\"");
    assertThat(t.get(P + "query_range?query=up&start=0&end=100&step=0").error())
        .startsWith("zero or negative query resolution step");
    assertThat(t.get(P + "query_range?query=up&end=100&step=1").error()).startsWith("invalid parameter \"start\"");
    assertThat(t.get(P + "query_range?query=up&start=100&end=0&step=1").status()).isEqualTo(400);
    assertThat(t.get(P + "query_range?query=" + q("up[5m]") + "&start=0&end=100&step=10").error())
        .contains("for range query");
  }

  @Test
  void seriesLabelsAndValues() {
    assertThat(t.get(P + "series?match[]=" + q("up{job=\"api\"}") + "&match[]=" + q("up{job=\"web\"}")).body())
        .isEqualTo("{\"status\":\"success\",\"data\":[{\"__name__\":\"up\",\"instance\":\"a\",\"job\":\"api\"},"
            + "{\"__name__\":\"up\",\"instance\":\"b\",\"job\":\"web\"}]}");
    assertThat(t.get(P + "series").status()).isEqualTo(400);
    assertThat(t.get(P + "series?match[]=" + q("rate(up[1m])")).error()).startsWith("invalid parameter \"match[]\"");
    assertThat(t.get(P + "labels").body())
        .isEqualTo("{\"status\":\"success\",\"data\":[\"__name__\",\"instance\",\"job\"]}");
    assertThat(t.get(P + "label/job/values").body())
        .isEqualTo("{\"status\":\"success\",\"data\":[\"api\",\"web\"]}");
    assertThat(t.get(P + "label/job/values?limit=1").body())
        .isEqualTo("{\"status\":\"success\",\"data\":[\"api\"],\"warnings\":[\"results truncated due to limit\"]}");
    assertThat(t.get(P + "label/job/values?match[]=" + q("up{instance=\"b\"}")).body())
        .isEqualTo("{\"status\":\"success\",\"data\":[\"web\"]}");
    assertThat(t.get(P + "label/1x/values").status()).isEqualTo(400);
    assertThat(t.get(P + "metadata").body()).isEqualTo("{\"status\":\"success\",\"data\":{\"up\":[{\"type\":\"gauge\","
        + "\"help\":\"whether the target is up\",\"unit\":\"\"}]}}");
  }

  /** Grafana reads buildinfo to tell the flavour and version of a Prometheus data source. */
  @Test
  void buildInfoNamesLookoutAndThePrometheusApiLevel() {
    var r = t.get(P + "status/buildinfo");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.data().getString("application")).isEqualTo("Lookout");
    assertThat(r.data().getString("version")).isEqualTo("2.42.0");
    assertThat(r.data().containsKey("revision")).isTrue();
  }

  @Test
  void queryExemplarsSelectsSeriesWithTheQuerySelectors() {
    Labels api = Labels.of("__name__", "up", "job", "api", "instance", "a");
    Labels web = Labels.of("__name__", "up", "job", "web", "instance", "b");
    t.metrics.addExemplar("default", api, new Exemplar(Labels.of("trace_id", "4bf92f3577b34da6", "span_id", "00f0"),
        6, 1600096945479L));
    t.metrics.addExemplar("default", web, new Exemplar(Labels.of("trace_id", "ab"), 0.25, 1600096950000L));
    t.metrics.addExemplar("acme", api, new Exemplar(Labels.of("trace_id", "cd"), 1, 1600096945479L));
    assertThat(t.get(P + "query_exemplars?query=" + q("sum(rate(up{job=\"api\"}[5m]))") + "&start=1600096900"
        + "&end=1600097000").body())
        .isEqualTo("{\"status\":\"success\",\"data\":[{\"seriesLabels\":{\"__name__\":\"up\",\"instance\":\"a\","
            + "\"job\":\"api\"},\"exemplars\":[{\"labels\":{\"span_id\":\"00f0\",\"trace_id\":\"4bf92f3577b34da6\"},"
            + "\"value\":\"6\",\"timestamp\":1600096945.479}]}]}");
    // every selector of the expression counts; the range is inclusive
    assertThat(t.get(P + "query_exemplars?query=" + q("up{job=\"api\"} / on() up{job=\"web\"}")
        + "&start=1600096945.479&end=1600096950").body())
        .contains("\"job\":\"api\"").contains("\"job\":\"web\"").contains("\"value\":\"0.25\"");
    assertThat(t.get(P + "query_exemplars?query=up&start=1600096946&end=1600096949").body())
        .isEqualTo("{\"status\":\"success\",\"data\":[]}");
    assertThat(t.get(P + "query_exemplars?query=" + q("1 + 1")).body())
        .isEqualTo("{\"status\":\"success\",\"data\":[]}");
    assertThat(t.send(HttpMethod.POST, P + "query_exemplars", Buffer.buffer("query=up"),
        "Content-Type", "application/x-www-form-urlencoded").body()).contains("4bf92f3577b34da6");
    assertThat(t.get(P + "query_exemplars?query=up", "X-Scope-OrgID", "acme").body())
        .contains("\"trace_id\":\"cd\"").doesNotContain("4bf92f3577b34da6");
    assertThat(t.get(P + "query_exemplars").error()).startsWith("invalid parameter \"query\"");
    assertThat(t.get(P + "query_exemplars?query=up&start=10&end=5").status()).isEqualTo(400);
  }

  @Test
  void unknownPathAndMethodAreEnvelopes() {
    TestServer.Resp r = t.get(P + "nope");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.errorType()).isEqualTo("not_found");
    assertThat(t.send(HttpMethod.DELETE, P + "query", null).status()).isEqualTo(405);
  }
}
