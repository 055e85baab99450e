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

  /** The shard {@code shard} of {@code connections} for the protocol of {@code a}: {@code a.samples()} per series. */
  static MetricsShard of(NodeSeries series, BenchArgs a, int shard, int connections, long firstMillis) {
    return of(series, a, a.seed(), a.samples(), shard, connections, firstMillis);
  }

  /**
   * The shard {@code shard} of {@code connections} for the protocol and batch size of {@code a},
   * with values from {@code seed} and {@code samples} per series from {@code firstMillis} on, 1 s
   * apart (the warm-up's other series and times use this).
   */
  static MetricsShard of(NodeSeries series, BenchArgs a, long seed, int samples, int shard, int connections,
      long firstMillis) {
    return a.protocol() == MetricsProtocol.OTLP
        ? OtlpMetricsShard.of(series, seed, a.batch(), samples, shard, connections, firstMillis)
        : RemoteWriteShard.of(series, seed, a.batch(), samples, shard, connections, firstMillis);
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
