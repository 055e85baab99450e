package io.lookout.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.ingest.metrics.SpanMetrics;
import io.lookout.model.metrics.SeriesBatch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Spans through both real OTLP receivers feed one {@link SpanMetrics}; only spans storage kept count. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpanMetricsIngestTest {
  private static final String OTEL_CLIENT_CALLS = "{__name__=\"traces_spanmetrics_calls_total\","
      + " job=\"lookout-spanmetrics\", service=\"otel-client\", span_kind=\"SPAN_KIND_SERVER\","
      + " span_name=\"charge card\", status_code=\"STATUS_CODE_ERROR\"}";
  private static final String FIXTURE_CALLS = "{__name__=\"traces_spanmetrics_calls_total\","
      + " job=\"lookout-spanmetrics\", service=\"payments\", span_kind=\"SPAN_KIND_SERVER\","
      + " span_name=\"POST /pay\", status_code=\"STATUS_CODE_ERROR\"}";

  private TestServers servers;

  @BeforeAll
  void start() throws Exception {
    servers = new TestServers(new IngestConfig(1L << 20));
  }

  @AfterAll
  void stop() throws Exception {
    servers.close();
  }

  @BeforeEach
  void reset() {
    servers.stores.reset();
  }

  @Test
  void spansFromBothTransportsAreCountedPerTenant() {
    try (OtelClients grpc = OtelClients.grpc("http://127.0.0.1:" + servers.grpcPort(), "sm-both");
        OtelClients http = OtelClients.http("http://127.0.0.1:" + servers.httpPort(), "sm-both")) {
      grpc.emitLogAndSpan();
      http.emitLogAndSpan();
    }
    try (OtelClients other = OtelClients.http("http://127.0.0.1:" + servers.httpPort(), "sm-other")) {
      other.emitLogAndSpan();
    }
    servers.stores.reset(); // leave only what the flush writes
    servers.spanMetrics.flush().join();

    assertThat(calls("sm-both", OTEL_CLIENT_CALLS)).isEqualTo(2.0);
    assertThat(calls("sm-other", OTEL_CLIENT_CALLS)).isEqualTo(1.0);
  }

  @Test
  void spansStorageRefusedAreNotCounted() throws Exception {
    servers.stores.spans.overloaded(1);
    assertThat(postFixtureSpan("sm-refused")).isEqualTo(503);
    servers.stores.spans.rejecting(1, "1 of 1 records are older than the retention");
    assertThat(postFixtureSpan("sm-refused")).isEqualTo(200);
    servers.stores.reset();
    assertThat(postFixtureSpan("sm-refused")).isEqualTo(200);
    servers.stores.reset();
    servers.spanMetrics.flush().join();

    assertThat(calls("sm-refused", FIXTURE_CALLS)).isEqualTo(1.0);
  }

  private int postFixtureSpan(String tenant) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + servers.httpPort() + "/v1/traces"))
        .header("content-type", "application/x-protobuf").header("X-Scope-OrgID", tenant)
        .POST(HttpRequest.BodyPublishers.ofByteArray(Fixtures.spans().toByteArray())).build();
    return client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private double calls(String tenant, String labels) {
    List<SeriesBatch> batches = servers.stores.metrics.batches.stream()
        .filter(b -> b.tenant().equals(tenant)).map(MemoryStores.MetricBatch::batch).toList();
    assertThat(batches).as("span metrics batches of %s", tenant).hasSize(1);
    return batches.get(0).series().stream().filter(s -> s.labels().toString().equals(labels))
        .findFirst().orElseThrow(() -> new AssertionError("no series " + labels))
        .samples().getLast().value();
  }
}
