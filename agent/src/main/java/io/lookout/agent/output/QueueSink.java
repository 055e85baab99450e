package io.lookout.agent.output;

import com.google.protobuf.InvalidProtocolBufferException;
import io.lookout.agent.pipeline.Sink;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Sink} every input writes to: requests go to the {@link DiskQueue}. Refusals for a
 * full queue are counted per signal and logged at most every 10 seconds.
 */
public final class QueueSink implements Sink {
  private static final Logger LOG = LoggerFactory.getLogger(QueueSink.class);
  private static final long LOG_EVERY_NANOS = 10_000_000_000L;

  private final DiskQueue queue;
  private final Counter refused;
  private final Counter refusedItems;
  private final Counter queued;
  private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

  public QueueSink(DiskQueue queue, PrometheusRegistry registry) {
    this.queue = queue;
    refused = Counter.builder().name("lookout_agent_queue_refused_requests_total")
        .help("requests refused because the disk queue budget (buffer.max_bytes) was exhausted")
        .labelNames("signal").register(registry);
    refusedItems = Counter.builder().name("lookout_agent_queue_dropped_items_total")
        .help("records, spans or data points dropped because the disk queue was full")
        .labelNames("signal").register(registry);
    queued = Counter.builder().name("lookout_agent_queue_items_total")
        .help("records, spans or data points written to the disk queue").labelNames("signal").register(registry);
    GaugeWithCallback.builder().name("lookout_agent_queue_bytes")
        .help("bytes in the disk queue not yet acknowledged by the server")
        .callback(cb -> cb.call(queue.usedBytes())).register(registry);
    GaugeWithCallback.builder().name("lookout_agent_queue_max_bytes")
        .help("byte budget of the disk queue (buffer.max_bytes)")
        .callback(cb -> cb.call(queue.maxBytes())).register(registry);
  }

  @Override
  public CompletableFuture<Void> submit(Signal signal, byte[] otlpProtobuf) {
    return submit(signal, otlpProtobuf, count(signal, otlpProtobuf), true);
  }

  /**
   * Queues a request whose item count the caller knows. With {@code countRefusal} false a refusal
   * is not counted as a drop (file inputs pause and try again).
   */
  public CompletableFuture<Void> submit(Signal signal, byte[] otlpProtobuf, int items, boolean countRefusal) {
    String label = signal.name().toLowerCase(Locale.ROOT);
    CompletableFuture<Void> f = queue.append(signal, otlpProtobuf, items);
    if (f.isCompletedExceptionally()) {
      if (countRefusal) {
        refused.labelValues(label).inc();
        refusedItems.labelValues(label).inc(items);
        long now = System.nanoTime();
        long last = lastLog.get();
        if (now - last >= LOG_EVERY_NANOS && lastLog.compareAndSet(last, now)) {
          LOG.warn("disk queue full ({} of {} bytes): dropped a {} request of {} items (buffer.max_bytes={})",
              queue.usedBytes(), queue.maxBytes(), label, items, queue.maxBytes());
        }
      }
      return f;
    }
    return f.thenRun(() -> queued.labelValues(label).inc(items));
  }

  /** Records, spans or data points in a request; 0 when it does not parse. */
  static int count(Signal signal, byte[] body) {
    try {
      return switch (signal) {
        case LOGS -> ExportLogsServiceRequest.parseFrom(body).getResourceLogsList().stream()
            .flatMap(r -> r.getScopeLogsList().stream()).mapToInt(s -> s.getLogRecordsCount()).sum();
        case TRACES -> ExportTraceServiceRequest.parseFrom(body).getResourceSpansList().stream()
            .flatMap(r -> r.getScopeSpansList().stream()).mapToInt(s -> s.getSpansCount()).sum();
        case METRICS -> ExportMetricsServiceRequest.parseFrom(body).getResourceMetricsList().stream()
            .flatMap(r -> r.getScopeMetricsList().stream()).flatMap(s -> s.getMetricsList().stream())
            .mapToInt(m -> switch (m.getDataCase()) {
              case GAUGE -> m.getGauge().getDataPointsCount();
              case SUM -> m.getSum().getDataPointsCount();
              case HISTOGRAM -> m.getHistogram().getDataPointsCount();
              case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsCount();
              case SUMMARY -> m.getSummary().getDataPointsCount();
              default -> 0;
            }).sum();
      };
    } catch (InvalidProtocolBufferException e) {
      return 0;
    }
  }
}
