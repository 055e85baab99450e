package io.lookout.ingest.metrics;

import com.google.protobuf.CodedOutputStream;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * Not a test: CPU per sample of decoding metrics requests in-process, without HTTP or storage,
 * for node-exporter shaped data (20 hosts x 50 series, one sample per series per request, as a
 * scrape-interval push sends): OTLP protobuf (parse + translation to Prometheus series) against
 * remote_write (protobuf decode with the labels cache). Usage: java -cp ... MetricsDecodeMeasure
 * [requests]
 */
public final class MetricsDecodeMeasure {
  private static final int HOSTS = 20;
  private static final int CPUS = 4;
  private static final String[] MODES = {"idle", "user", "system", "iowait", "irq", "softirq", "steal", "nice"};
  private static final String[] GAUGES = {"system.memory.usage", "system.filesystem.usage", "system.cpu.load_average.1m",
    "system.network.io", "system.disk.io", "system.processes.count", "system.paging.usage", "system.network.errors",
    "system.disk.operations", "system.network.packets", "system.disk.merged", "system.disk.pending_operations",
    "system.filesystem.inodes.usage", "system.network.dropped", "system.processes.created", "system.disk.time",
    "system.memory.utilization", "system.cpu.utilization"};

  private MetricsDecodeMeasure() {}

  public static void main(String[] args) throws Exception {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 3600;
    long t0 = System.currentTimeMillis() - requests * 1000L;
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    for (int round = 0; round < 3; round++) {
      OtlpToPrometheus objects = new OtlpToPrometheus(OtlpToPrometheus.Options.DEFAULTS, new PrometheusRegistry());
      OtlpToPrometheus bytes = new OtlpToPrometheus(OtlpToPrometheus.Options.DEFAULTS, new PrometheusRegistry());
      OtlpToPrometheus benchObjects = new OtlpToPrometheus(OtlpToPrometheus.Options.DEFAULTS, new PrometheusRegistry());
      OtlpToPrometheus benchBytes = new OtlpToPrometheus(OtlpToPrometheus.Options.DEFAULTS, new PrometheusRegistry());
      LabelsCache cache = new LabelsCache(LabelsCache.DEFAULT_MAX_ENTRIES);
      long[] cpu = new long[5];
      long[] samples = new long[5];
      for (int r = 0; r < requests; r++) {
        long t = t0 + r * 1000L;
        byte[] o = otlpRequest(t, r);
        byte[] w = remoteWrite(t, r);
        byte[] b = benchRequest(t0 + (r / 4) * 8000L, r);
        long c0 = mx.getCurrentThreadCpuTime();
        samples[0] += objects.translate("default", ExportMetricsServiceRequest.parseFrom(o)).batch().sampleCount();
        long c1 = mx.getCurrentThreadCpuTime();
        samples[1] += bytes.translate("default", o, 0, o.length).result().batch().sampleCount();
        long c2 = mx.getCurrentThreadCpuTime();
        samples[2] += RemoteWriteDecoder.parse(w, cache).sampleCount();
        long c3 = mx.getCurrentThreadCpuTime();
        samples[3] += benchObjects.translate("default", ExportMetricsServiceRequest.parseFrom(b)).batch().sampleCount();
        long c4 = mx.getCurrentThreadCpuTime();
        samples[4] += benchBytes.translate("default", b, 0, b.length).result().batch().sampleCount();
        long c5 = mx.getCurrentThreadCpuTime();
        cpu[0] += c1 - c0;
        cpu[1] += c2 - c1;
        cpu[2] += c3 - c2;
        cpu[3] += c4 - c3;
        cpu[4] += c5 - c4;
      }
      String[] what = {"node OTLP objects", "node OTLP bytes", "node remote_write", "bench OTLP objects",
        "bench OTLP bytes"};
      StringBuilder sb = new StringBuilder("round " + round + ":");
      for (int i = 0; i < what.length; i++) {
        sb.append(String.format(Locale.ROOT, "%n  %-20s %,10d samples %6.0f ns/sample (%,.0f per CPU-s)", what[i],
            samples[i], cpu[i] / (double) samples[i], samples[i] / (cpu[i] / 1e9)));
      }
      System.out.println(sb);
    }
  }

  /**
   * The shape of {@code bench --signal metrics --protocol otlp} with its defaults (1,000 series,
   * batch 2,000, 4 connections): 5 hosts x 50 series x 8 seconds per request; per host CPU
   * seconds per cpu and mode, byte counters, gauges and one explicit-bucket histogram, counters
   * with a start time, the 4 connections' requests in turn.
   */
  static byte[] benchRequest(long t, int r) {
    ExportMetricsServiceRequest.Builder req = ExportMetricsServiceRequest.newBuilder();
    int shard = r % 4;
    for (int h = shard * 5; h < shard * 5 + 5; h++) {
      ScopeMetrics.Builder sm = ScopeMetrics.newBuilder()
          .setScope(InstrumentationScope.newBuilder().setName("hostmetrics").setVersion("1.0"));
      Sum.Builder cpu = Sum.newBuilder().setIsMonotonic(true)
          .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
      Sum.Builder net = Sum.newBuilder().setIsMonotonic(true)
          .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
      Gauge.Builder mem = Gauge.newBuilder();
      Histogram.Builder hist = Histogram.newBuilder()
          .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
      for (int j = 0; j < 8; j++) {
        long nanos = (t + j * 1000L) * 1_000_000L;
        for (int c = 0; c < CPUS; c++) {
          for (String mode : MODES) {
            cpu.addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(nanos).setStartTimeUnixNano(1)
                .addAttributes(kv("cpu", Integer.toString(c))).addAttributes(kv("mode", mode))
                .setAsDouble(r * 8 + j + c * 0.01));
          }
        }
        for (int d = 0; d < 5; d++) {
          net.addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(nanos).setStartTimeUnixNano(1)
              .addAttributes(kv("device", "eth" + d)).setAsDouble(1e6 + r * 4096.0 + j));
        }
        for (int g = 0; g < 5; g++) {
          mem.addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(nanos)
              .addAttributes(kv("kind", "k" + g)).setAsDouble(8e9 - g));
        }
        HistogramDataPoint.Builder p = HistogramDataPoint.newBuilder().setTimeUnixNano(nanos).setStartTimeUnixNano(1)
            .setCount(100L + r).setSum(12.5 + r);
        for (double b : new double[] {0.005, 0.025, 0.1, 0.25, 1}) {
          p.addExplicitBounds(b);
        }
        for (int b = 0; b < 6; b++) {
          p.addBucketCounts(b == 5 ? r : 10 + b);
        }
        hist.addDataPoints(p);
      }
      sm.addMetrics(Metric.newBuilder().setName("node_cpu_seconds_total").setUnit("s").setSum(cpu));
      sm.addMetrics(Metric.newBuilder().setName("node_network_receive_bytes_total").setUnit("By").setSum(net));
      sm.addMetrics(Metric.newBuilder().setName("node_memory_bytes").setUnit("By").setGauge(mem));
      sm.addMetrics(Metric.newBuilder().setName("http_request_duration_seconds").setUnit("s").setHistogram(hist));
      req.addResourceMetrics(ResourceMetrics.newBuilder().setResource(Resource.newBuilder()
              .addAttributes(kv("service.name", "node"))
              .addAttributes(kv("service.instance.id", String.format(Locale.ROOT, "host-%03d:9100", h))))
          .addScopeMetrics(sm));
    }
    return req.build().toByteArray();
  }

  private static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }

  static byte[] otlpRequest(long t, int r) {
    ExportMetricsServiceRequest.Builder req = ExportMetricsServiceRequest.newBuilder();
    long nanos = t * 1_000_000L;
    for (int h = 0; h < HOSTS; h++) {
      ScopeMetrics.Builder sm = ScopeMetrics.newBuilder()
          .setScope(InstrumentationScope.newBuilder().setName("hostmetrics").setVersion("0.1"));
      Sum.Builder cpu = Sum.newBuilder().setIsMonotonic(true)
          .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
      for (int c = 0; c < CPUS; c++) {
        for (int m = 0; m < MODES.length; m++) {
          cpu.addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(nanos).setStartTimeUnixNano(1)
              .addAttributes(kv("cpu", "cpu" + c)).addAttributes(kv("state", MODES[m]))
              .setAsDouble((r * 100L + c * 7 + m) / 100.0));
        }
      }
      sm.addMetrics(Metric.newBuilder().setName("system.cpu.time").setUnit("s").setSum(cpu));
      for (String g : GAUGES) {
        sm.addMetrics(Metric.newBuilder().setName(g).setUnit("By").setGauge(Gauge.newBuilder()
            .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(nanos).addAttributes(kv("device", "sda"))
                .setAsInt(1_000_000L + r * 4096L))));
      }
      req.addResourceMetrics(ResourceMetrics.newBuilder().setResource(Resource.newBuilder()
              .addAttributes(kv("service.name", "node")).addAttributes(kv("service.instance.id", "host-" + h + ":9100")))
          .addScopeMetrics(sm));
    }
    return req.build().toByteArray();
  }

  /** The same shape as remote_write: 1,000 series with 6 labels, one sample each. */
  static byte[] remoteWrite(long t, int r) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    for (int h = 0; h < HOSTS; h++) {
      for (int s = 0; s < 50; s++) {
        ByteArrayOutputStream ts = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(ts);
        String[] labels = {"__name__", s < 32 ? "system_cpu_time_seconds_total" : GAUGES[s - 32].replace('.', '_'),
          "cpu", "cpu" + (s % 4), "instance", "host-" + h + ":9100", "job", "node", "otel_scope_name", "hostmetrics",
          "state", MODES[s % 8]};
        for (int i = 0; i < labels.length; i += 2) {
          ByteArrayOutputStream l = new ByteArrayOutputStream();
          CodedOutputStream lo = CodedOutputStream.newInstance(l);
          lo.writeString(1, labels[i]);
          lo.writeString(2, labels[i + 1]);
          lo.flush();
          o.writeByteArray(1, l.toByteArray());
        }
        ByteArrayOutputStream sm = new ByteArrayOutputStream();
        CodedOutputStream so = CodedOutputStream.newInstance(sm);
        so.writeDouble(1, r * 1.5 + s);
        so.writeInt64(2, t);
        so.flush();
        o.writeByteArray(2, sm.toByteArray());
        o.flush();
        out.writeByteArray(1, ts.toByteArray());
      }
    }
    out.flush();
    return bytes.toByteArray();
  }
}
