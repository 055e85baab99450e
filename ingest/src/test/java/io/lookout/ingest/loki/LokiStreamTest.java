package io.lookout.ingest.loki;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.LogRecord;
import io.lookout.model.Service;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LokiStreamTest {
  static final long T = 1_764_151_200_123_456_789L;
  static final long OBSERVED = 1_764_151_201_000_000_000L;

  @Test
  void entryMapsTimeBodyResourceAndAttributes() {
    LogRecord r = LokiStream.of(Map.of("app", "checkout", "env", "prod"))
        .entry(T, OBSERVED, "payment failed", Map.of("user", "42"));
    assertThat(r.timestampNanos()).isEqualTo(T);
    assertThat(r.observedTimestampNanos()).isEqualTo(OBSERVED);
    assertThat(r.body()).isEqualTo("payment failed");
    assertThat(r.service()).isEqualTo("checkout");
    assertThat(r.resource()).isEqualTo(Map.of("app", "checkout", "env", "prod"));
    assertThat(r.attributes()).isEqualTo(Map.of("user", "42"));
    assertThat(r.severityNumber()).isZero();
    assertThat(r.severityText()).isEmpty();
    assertThat(r.traceId()).isEmpty();
    assertThat(r.scopeName()).isEmpty();
  }

  @Test
  void missingTimestampFallsBackToReceiveTime() {
    assertThat(LokiStream.of(Map.of()).entry(0, OBSERVED, "x", Map.of()).timestampNanos()).isEqualTo(OBSERVED);
  }

  @Test
  void serviceIsTheFirstNonEmptyLabelInLokiDiscoveryOrder() {
    List<String> order = LokiStream.SERVICE_LABELS;
    assertThat(order).containsExactly("service_name", "service", "app", "application", "name",
        "app_kubernetes_io_name", "container", "container_name", "component", "workload", "job");
    // with every label present, each one wins over all that come after it
    for (int i = 0; i < order.size(); i++) {
      Map<String, String> labels = new LinkedHashMap<>();
      for (int j = order.size() - 1; j >= i; j--) {
        labels.put(order.get(j), "v-" + order.get(j));
      }
      assertThat(LokiStream.of(labels).service()).as("from %s", order.get(i)).isEqualTo("v-" + order.get(i));
    }
    assertThat(LokiStream.of(Map.of("service_name", "", "job", "varlogs")).service()).isEqualTo("varlogs");
    assertThat(LokiStream.of(Map.of("host", "a")).service()).isEqualTo(Service.UNKNOWN);
    assertThat(LokiStream.of(Map.of("service_name", "", "host", "a")).resource())
        .as("empty labels are absent labels").isEqualTo(Map.of("host", "a"));
  }

  @ParameterizedTest
  @CsvSource({
      "trace, 1, TRACE", "DEBUG, 5, DEBUG", "info, 9, INFO", "Warn, 13, WARN", "warning, 13, WARN",
      "error, 17, ERROR", "ERR, 17, ERROR", "fatal, 21, FATAL", "critical, 21, FATAL", "panic, 21, FATAL",
      "notice, 0, ''", "'', 0, ''"})
  void severityFromALevelLabel(String value, int number, String text) {
    for (String key : List.of("level", "detected_level", "severity")) {
      LogRecord r = LokiStream.of(Map.of(key, value)).entry(T, OBSERVED, "x", Map.of());
      assertThat(r.severityNumber()).as(key).isEqualTo(number);
      assertThat(r.severityText()).as(key).isEqualTo(text);
    }
  }

  @Test
  void structuredMetadataSeverityWinsOverTheStreamLabel() {
    LokiStream s = LokiStream.of(Map.of("level", "info"));
    assertThat(s.entry(T, OBSERVED, "x", Map.of("detected_level", "error")).severityNumber()).isEqualTo(17);
    assertThat(s.entry(T, OBSERVED, "x", Map.of("level", "unknown")).severityNumber())
        .as("an unrecognised metadata value leaves the label's").isEqualTo(9);
    assertThat(LokiStream.of(Map.of("level", "loud", "severity", "warn")).entry(T, OBSERVED, "x", Map.of())
        .severityNumber()).as("first recognised key").isEqualTo(13);
  }

  @Test
  void traceAndSpanIdsFromStructuredMetadataWhenValid() {
    LokiStream s = LokiStream.of(Map.of("app", "a"));
    LogRecord r = s.entry(T, OBSERVED, "x",
        Map.of("trace_id", "4BF92F3577B34DA6A3CE929D0E0E4736", "span_id", "00f067aa0ba902b7"));
    assertThat(r.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(r.spanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(r.attributes()).containsEntry("trace_id", "4BF92F3577B34DA6A3CE929D0E0E4736");

    LogRecord camel = s.entry(T, OBSERVED, "x", Map.of("traceID", "4bf92f3577b34da6a3ce929d0e0e4736"));
    assertThat(camel.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");

    LogRecord invalid = s.entry(T, OBSERVED, "x",
        Map.of("trace_id", "not-a-trace", "span_id", "0000000000000000"));
    assertThat(invalid.traceId()).isEmpty();
    assertThat(invalid.spanId()).isEmpty();
    assertThat(invalid.attributes()).containsEntry("trace_id", "not-a-trace").containsEntry("span_id", "0000000000000000");
    assertThat(s.entry(T, OBSERVED, "x", Map.of("trace_id", "4bf92f3577b34da6a3ce929d0e0e473g")).traceId()).isEmpty();
  }
}
