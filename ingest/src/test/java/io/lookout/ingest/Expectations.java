package io.lookout.ingest;

import static io.lookout.ingest.Fixtures.LINK_SPAN_ID;
import static io.lookout.ingest.Fixtures.LINK_TRACE_ID;
import static io.lookout.ingest.Fixtures.OBSERVED1;
import static io.lookout.ingest.Fixtures.OBSERVED2;
import static io.lookout.ingest.Fixtures.PARENT_ID;
import static io.lookout.ingest.Fixtures.SPAN_ID;
import static io.lookout.ingest.Fixtures.T1;
import static io.lookout.ingest.Fixtures.TRACE_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.lookout.model.LogRecord;
import io.lookout.model.Span;
import io.lookout.model.metrics.MetricMetadata;
import io.lookout.model.metrics.NativeHistogram;
import io.lookout.model.metrics.Sample;
import io.lookout.model.metrics.SeriesBatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Checks every decoded field of the {@link Fixtures} requests. */
final class Expectations {
  private Expectations() {}

  static Map<String, Object> typedAttributes() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("str", "text");
    m.put("long", -42L);
    m.put("double", 2.5);
    m.put("bool", true);
    m.put("array", List.of("a", 7L));
    m.put("map", Map.of("inner", "x"));
    m.put("bytes", "AQID");
    return m;
  }

  static Map<String, Object> resource(String service) {
    return Map.of("host.name", "node-1", "service.name", service);
  }

  /**
   * @param receivedFrom lower bound of the receive time (for the record without times)
   * @param receivedTo upper bound of the receive time
   */
  static void fixtureLogs(List<LogRecord> records, long receivedFrom, long receivedTo) {
    assertThat(records).hasSize(3);
    LogRecord full = records.get(0);
    assertThat(full.timestampNanos()).isEqualTo(T1);
    assertThat(full.observedTimestampNanos()).isEqualTo(OBSERVED1);
    assertThat(full.severityNumber()).isEqualTo(17);
    assertThat(full.severityText()).isEqualTo("ERROR");
    assertThat(full.body()).isEqualTo("payment failed");
    assertThat(full.service()).isEqualTo("checkout");
    assertThat(full.traceId()).isEqualTo(TRACE_ID);
    assertThat(full.spanId()).isEqualTo(SPAN_ID);
    assertThat(full.attributes()).containsExactlyEntriesOf(typedAttributes());
    assertThat(full.resource()).isEqualTo(resource("checkout"));
    assertThat(full.scopeName()).isEqualTo("io.lookout.test");

    LogRecord kvBody = records.get(1);
    assertThat(kvBody.timestampNanos()).isEqualTo(OBSERVED2);
    assertThat(kvBody.observedTimestampNanos()).isEqualTo(OBSERVED2);
    assertThat(kvBody.severityNumber()).isEqualTo(9);
    assertThat(kvBody.severityText()).isEqualTo("information");
    assertThat(kvBody.body()).isEqualTo("{\"user\":\"ann\",\"n\":3}");
    assertThat(kvBody.traceId()).isEmpty();
    assertThat(kvBody.spanId()).isEmpty();
    assertThat(kvBody.attributes()).isEmpty();
    assertThat(kvBody.service()).isEqualTo("checkout");

    LogRecord noTimes = records.get(2);
    assertThat(noTimes.timestampNanos()).isBetween(receivedFrom, receivedTo);
    assertThat(noTimes.observedTimestampNanos()).isEqualTo(noTimes.timestampNanos());
    assertThat(noTimes.severityNumber()).isZero();
    assertThat(noTimes.severityText()).isEmpty();
    assertThat(noTimes.body()).isEqualTo("[\"a\",false]");
  }

  static void fixtureSpans(List<Span> spans) {
    assertThat(spans).hasSize(1);
    Span s = spans.get(0);
    assertThat(s.traceId()).isEqualTo(TRACE_ID);
    assertThat(s.spanId()).isEqualTo(SPAN_ID);
    assertThat(s.parentSpanId()).isEqualTo(PARENT_ID);
    assertThat(s.traceState()).isEqualTo("vendor=1");
    assertThat(s.name()).isEqualTo("POST /pay");
    assertThat(s.kind()).isEqualTo(2);
    assertThat(s.startNanos()).isEqualTo(T1);
    assertThat(s.endNanos()).isEqualTo(T1 + 2_000_000);
    assertThat(s.durationNanos()).isEqualTo(2_000_000);
    assertThat(s.statusCode()).isEqualTo(2);
    assertThat(s.statusMessage()).isEqualTo("card declined");
    assertThat(s.service()).isEqualTo("payments");
    assertThat(s.attributes()).containsExactlyEntriesOf(typedAttributes());
    assertThat(s.resource()).isEqualTo(resource("payments"));
    assertThat(s.scopeName()).isEqualTo("io.lookout.tracer");
    assertThat(s.events()).containsExactly(
        new Span.Event(T1 + 1000, "exception", Map.of("exception.type", "IOException")));
    assertThat(s.links()).containsExactly(
        new Span.Link(LINK_TRACE_ID, LINK_SPAN_ID, "other=2", Map.of("link.kind", "follows")));
  }

  /** Float samples per series, keyed by the labels in Prometheus notation, sorted. */
  static Map<String, List<Sample>> floats(List<SeriesBatch.Series> series) {
    Map<String, List<Sample>> m = new TreeMap<>();
    for (SeriesBatch.Series s : series) {
      if (!s.samples().isEmpty()) {
        m.computeIfAbsent(s.labels().toString(), k -> new ArrayList<>()).addAll(s.samples());
      }
    }
    return m;
  }

  /** Native histogram samples per series, keyed like {@link #floats}. */
  static Map<String, List<NativeHistogram>> histograms(List<SeriesBatch.Series> series) {
    Map<String, List<NativeHistogram>> m = new TreeMap<>();
    for (SeriesBatch.Series s : series) {
      if (!s.histograms().isEmpty()) {
        m.computeIfAbsent(s.labels().toString(), k -> new ArrayList<>()).addAll(s.histograms());
      }
    }
    return m;
  }

  /** Checks the one append {@link Fixtures#metrics()} must have produced, exactly. */
  static void fixtureMetrics(MemoryStores.Metrics store, String tenant) {
    assertThat(store.batches).singleElement().satisfies(b -> assertThat(b.tenant()).isEqualTo(tenant));
    SeriesBatch batch = store.batches.get(0).batch();
    long t1 = T1 / 1_000_000;
    String labels = "job=\"checkout\", path=\"/pay\"";
    Map<String, List<Sample>> expected = new TreeMap<>();
    expected.put("{__name__=\"g\", " + labels + "}", List.of(new Sample(t1, 1.5)));
    expected.put("{__name__=\"s_total\", " + labels + "}", List.of(new Sample(t1, 1.5), new Sample(t1 + 1000, 2.5)));
    expected.put("{__name__=\"h_bucket\", job=\"checkout\", le=\"1\"}", List.of(new Sample(t1, 1)));
    expected.put("{__name__=\"h_bucket\", job=\"checkout\", le=\"2\"}", List.of(new Sample(t1, 2)));
    expected.put("{__name__=\"h_bucket\", job=\"checkout\", le=\"+Inf\"}", List.of(new Sample(t1, 3)));
    expected.put("{__name__=\"h_count\", job=\"checkout\"}", List.of(new Sample(t1, 3)));
    expected.put("{__name__=\"h_sum\", job=\"checkout\"}", List.of(new Sample(t1, 4.5)));
    expected.put("{__name__=\"q\", job=\"checkout\", quantile=\"0.5\"}", List.of(new Sample(t1, 1.5)));
    expected.put("{__name__=\"q_count\", job=\"checkout\"}", List.of(new Sample(t1, 1)));
    expected.put("{__name__=\"q_sum\", job=\"checkout\"}", List.of(new Sample(t1, 1.5)));
    expected.put("{__name__=\"target_info\", host_name=\"node-1\", job=\"checkout\"}",
        List.of(new Sample(t1 + 1000, 1)));
    assertThat(floats(batch.series())).containsExactlyInAnyOrderEntriesOf(expected);
    assertThat(histograms(batch.series())).containsOnlyKeys("{__name__=\"e\", job=\"checkout\"}");
    NativeHistogram e = histograms(batch.series()).get("{__name__=\"e\", job=\"checkout\"}").get(0);
    assertThat(e.timestampMillis()).isEqualTo(t1);
    assertThat(e.schema()).isZero();
    assertThat(e.count()).isEqualTo(1);
    assertThat(e.sum()).isEqualTo(1.5);
    assertThat(e.positiveSpans()).containsExactly(new NativeHistogram.BucketSpan(1, 1));
    assertThat(e.positiveCounts()).containsExactly(1);
    assertThat(batch.metadata()).extracting(MetricMetadata::familyName, MetricMetadata::type)
        .contains(tuple("g", MetricMetadata.Type.GAUGE), tuple("s_total", MetricMetadata.Type.COUNTER),
            tuple("h", MetricMetadata.Type.HISTOGRAM), tuple("e", MetricMetadata.Type.HISTOGRAM),
            tuple("q", MetricMetadata.Type.SUMMARY));
  }
}
