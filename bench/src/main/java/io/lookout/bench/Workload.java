package io.lookout.bench;

import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The corpus of a run, encoded up front into OTLP batches so that generating records costs
 * nothing while the clock runs.
 */
record Workload(LogCorpus corpus, List<OtlpBatch> batches, long records, long bodyBytes, long payloadBytes,
    long minTimestampNanos, long maxTimestampNanos, long needles) {

  static Workload prepare(BenchArgs a, PrintStream log) {
    Instant now = Instant.now();
    long anchor = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    CorpusConfig cfg =
        new CorpusConfig(a.seed(), a.records(), a.needles(), a.timeMode(), anchor, CorpusConfig.DEFAULT_WINDOW,
            a.traceFraction());
    LogCorpus corpus = LogCorpus.load(a.datasets(), cfg);
    long t0 = System.nanoTime();
    List<OtlpBatch> batches =
        OtlpBatch.encodeAll(corpus, a.records(), a.batch(), Runtime.getRuntime().availableProcessors());
    long body = 0;
    long payload = 0;
    long minTs = Long.MAX_VALUE;
    long maxTs = Long.MIN_VALUE;
    for (OtlpBatch b : batches) {
      body += b.bodyBytes();
      payload += b.payload().length;
      minTs = Math.min(minTs, b.minTimestampNanos());
      maxTs = Math.max(maxTs, b.maxTimestampNanos());
    }
    Workload w = new Workload(corpus, batches, a.records(), body, payload, minTs, maxTs,
        corpus.needleCount(a.records()));
    log.printf(Locale.ROOT,
        "generated %,d records (seed %d, %d templates) in %d batches in %.1f s: %.1f MB body"
            + " (%.0f B/record), %.1f MB protobuf, %d records with '%s'%n",
        a.records(), a.seed(), corpus.templateCount(), batches.size(), (System.nanoTime() - t0) / 1e9,
        body / 1e6, (double) body / a.records(), payload / 1e6, w.needles, corpus.needleToken());
    log.println("body_bytes=" + body);
    return w;
  }
}
