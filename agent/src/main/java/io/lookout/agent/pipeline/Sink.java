package io.lookout.agent.pipeline;

import java.util.concurrent.CompletableFuture;

/**
 * The agent's way out: every input (files, host metrics, scrapes, the local OTLP relay) hands
 * finished OTLP export requests to the sink. The returned future completes once the request is
 * durable in the agent's disk queue (so a relay may acknowledge its client, and a file input may
 * treat the data as handed over), or fails when the queue's byte budget is exhausted.
 */
public interface Sink {

  /** The OTLP signal of a request; decides the upstream path ({@code /v1/logs} and so on). */
  enum Signal {
    LOGS("/v1/logs"),
    TRACES("/v1/traces"),
    METRICS("/v1/metrics");

    private final String path;

    Signal(String path) {
      this.path = path;
    }

    public String path() {
      return path;
    }
  }

  /**
   * Queues one OTLP export request, serialised as protobuf (an ExportLogsServiceRequest,
   * ExportTraceServiceRequest or ExportMetricsServiceRequest).
   */
  CompletableFuture<Void> submit(Signal signal, byte[] otlpProtobuf);
}
