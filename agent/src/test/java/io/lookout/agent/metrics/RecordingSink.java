package io.lookout.agent.metrics;

import io.lookout.agent.pipeline.Sink;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A sink that keeps what it receives (or refuses everything). */
final class RecordingSink implements Sink {
  record Submitted(Signal signal, byte[] bytes) {}

  final List<Submitted> received = new CopyOnWriteArrayList<>();
  volatile boolean refuse;

  @Override
  public CompletableFuture<Void> submit(Signal signal, byte[] otlpProtobuf) {
    if (refuse) {
      return CompletableFuture.failedFuture(new IllegalStateException("queue full"));
    }
    received.add(new Submitted(signal, otlpProtobuf));
    return CompletableFuture.completedFuture(null);
  }

  List<ExportMetricsServiceRequest> metrics() {
    return received.stream().filter(s -> s.signal() == Signal.METRICS).map(s -> {
      try {
        return ExportMetricsServiceRequest.parseFrom(s.bytes());
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }).toList();
  }

  /** Waits (with a deadline) until some received request matches. */
  ExportMetricsServiceRequest await(Predicate<ExportMetricsServiceRequest> p, Duration deadline)
      throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (System.nanoTime() < end) {
      for (ExportMetricsServiceRequest r : metrics()) {
        if (p.test(r)) {
          return r;
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no matching request within " + deadline + "; got " + received.size());
  }
}
