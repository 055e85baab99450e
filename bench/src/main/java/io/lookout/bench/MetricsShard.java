package io.lookout.bench;

import java.util.Map;

/** The requests of one connection of the metrics mode, in the order they are sent. */
interface MetricsShard {
  /** Requests the shard sends in all. */
  int requests();

  /** The next request body, null when done. */
  byte[] next();

  /** Prometheus samples in the request {@link #next} returned last. */
  int lastSamples();

  /** The shard {@code shard} of {@code connections} for the protocol of {@code a}. */
  static MetricsShard of(NodeSeries series, BenchArgs a, int shard, int connections, long firstMillis) {
    return a.protocol() == MetricsProtocol.OTLP
        ? OtlpMetricsShard.of(series, a, shard, connections, firstMillis)
        : RemoteWriteShard.of(series, a, shard, connections, firstMillis);
  }

  /** Where the requests of {@code a}'s protocol go. */
  static java.net.URI endpoint(BenchArgs a) {
    return java.net.URI.create(a.protocol() == MetricsProtocol.OTLP ? a.otlp() + "/v1/metrics"
        : a.prom() + "/api/v1/write");
  }

  /** Content headers of {@code a}'s protocol. */
  static Map<String, String> headers(BenchArgs a) {
    return a.protocol() == MetricsProtocol.OTLP ? Map.of("Content-Type", "application/x-protobuf")
        : RemoteWriteBatch.HEADERS;
  }
}
