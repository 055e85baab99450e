package io.lookout.ingest.metrics;

import com.google.protobuf.CodedOutputStream;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
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
      OtlpToPrometheus otlp = new OtlpToPrometheus(OtlpToPrometheus.Options.DEFAULTS, new PrometheusRegistry());
      LabelsCache cache = new LabelsCache(LabelsCache.DEFAULT_MAX_ENTRIES);
      long otlpCpu = 0;
      long rwCpu = 0;
      long otlpSamples = 0;
      long rwSamples = 0;
      for (int r = 0; r < requests; r++) {
        long t = t0 + r * 1000L;
        byte[] o = otlpRequest(t, r);
        byte[] w = remoteWrite(t, r);
        long c0 = mx.getCurrentThreadCpuTime();
        otlpSamples += otlp.translate("default", ExportMetricsServiceRequest.parseFrom(o)).batch().sampleCount();
        long c1 = mx.getCurrentThreadCpuTime();
        rwSamples += RemoteWriteDecoder.parse(w, cache).sampleCount();
        long c2 = mx.getCurrentThreadCpuTime();
        otlpCpu += c1 - c0;
        rwCpu += c2 - c1;
      }
      System.out.printf(Locale.ROOT, "round %d: OTLP %,d samples, %.0f ns/sample (%,.0f samples per CPU-s);"
          + " remote_write %,d samples, %.0f ns/sample (%,.0f per CPU-s)%n", round, otlpSamples,
          otlpCpu / (double) otlpSamples, otlpSamples / (otlpCpu / 1e9), rwSamples, rwCpu / (double) rwSamples,
          rwSamples / (rwCpu / 1e9));
    }
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
