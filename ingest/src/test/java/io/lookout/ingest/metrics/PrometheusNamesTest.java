package io.lookout.ingest.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.ingest.metrics.PrometheusNames.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One row per naming rule of the spec's "Metric Metadata" and "Metric Attributes" sections. */
class PrometheusNamesTest {

  @ParameterizedTest(name = "{0} [{1}] as {2} -> {3}")
  @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
      # invalid characters become _, runs of _ collapse
      http.server.duration     | ''        | OTHER   | http_server_duration
      my-app/requests..failed  | ''        | GAUGE   | my_app_requests_failed
      foo__bar                 | ''        | GAUGE   | foo_bar
      # colons are valid in metric names
      job:rate5m               | ''        | GAUGE   | job:rate5m
      # a leading digit is not allowed
      2xx.responses            | ''        | GAUGE   | _2xx_responses
      # unit abbreviations become words
      request.duration         | s         | OTHER   | request_duration_seconds
      request.duration         | ms        | OTHER   | request_duration_milliseconds
      memory.usage             | By        | GAUGE   | memory_usage_bytes
      memory.limit             | MiBy      | GAUGE   | memory_limit_mebibytes
      temperature              | Cel       | GAUGE   | temperature_celsius
      # {annotations} are dropped, a count of things is unitless
      http.requests            | {request} | COUNTER | http_requests_total
      packets                  | {packet}/s | GAUGE  | packets_per_second
      # a/b is a_per_b
      throughput               | By/s      | GAUGE   | throughput_bytes_per_second
      rate                     | m/h       | GAUGE   | rate_meters_per_hour
      # 1 is ratio for gauges only
      cpu.utilization          | 1         | GAUGE   | cpu_utilization_ratio
      cache.hits               | 1         | COUNTER | cache_hits_total
      # the unit is not repeated when the name has it already
      request.duration.seconds | s         | OTHER   | request_duration_seconds
      cpu.seconds.used         | s         | COUNTER | cpu_seconds_used_total
      # _total for monotonic sums, after the unit, never twice
      jobs.done                | ''        | COUNTER | jobs_done_total
      jobs.done.total          | ''        | COUNTER | jobs_done_total
      cpu.time_total           | s         | COUNTER | cpu_time_seconds_total
      # unknown units are kept, sanitised
      weight                   | lb        | GAUGE   | weight_lb
      # nothing valid left
      ''                       | s         | GAUGE   | ''
      """)
  void metricNames(String name, String unit, Kind kind, String expected) {
    assertThat(PrometheusNames.metricName(name, unit, kind)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      http.method      | http_method
      k8s.pod.name     | k8s_pod_name
      Content-Type     | Content_Type
      __reserved__     | _reserved_
      a..b             | a_b
      0xff             | key_0xff
      with:colon       | with_colon
      ''               | ''
      """)
  void labelNames(String key, String expected) {
    assertThat(PrometheusNames.labelName(key)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      0.1       | 0.1
      1.0       | 1
      2.5E-7    | 0.00000025
      1.0E21    | 1000000000000000000000
      0.0       | 0
      -5.0      | -5
      Infinity  | +Inf
      -Infinity | -Inf
      NaN       | NaN
      """)
  void floatsAreFormattedLikeGo(double value, String expected) {
    assertThat(PrometheusNames.formatFloat(value)).isEqualTo(expected);
  }
}
