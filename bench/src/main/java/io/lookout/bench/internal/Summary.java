package io.lookout.bench.internal;

import java.util.Locale;

/**
 * One benchmark result, printable as a Markdown table row under {@link #HEADER}.
 *
 * @param name what was measured
 * @param records records ingested and searchable
 * @param bodyBytes UTF-8 bytes of the log bodies
 * @param seconds wall time until everything was searchable (or committed)
 * @param diskBytes bytes on disk afterwards, -1 when not measured
 * @param retries retried requests (429/503/connection errors), -1 when not applicable
 * @param needle latencies of the needle query, newest 100
 * @param word latencies of the common word query, newest 100
 * @param errorHistogram latencies of the severity:ERROR per-minute histogram over 24 h
 * @param byService latencies of the count by service for the word
 */
public record Summary(
    String name,
    long records,
    long bodyBytes,
    double seconds,
    long diskBytes,
    long retries,
    Latencies needle,
    Latencies word,
    Latencies errorHistogram,
    Latencies byService) implements ResultRow {

  public static final String HEADER =
      "| run | records | body MB | records/s | body MB/s | disk / body | retries"
          + " | needle ms p50/p90 | word newest 100 ms | ERROR per min 24h ms | by service ms |\n"
          + "|---|---|---|---|---|---|---|---|---|---|---|";

  @Override
  public String header() {
    return HEADER;
  }

  public double recordsPerSecond() {
    return records / seconds;
  }

  public double bodyMegabytesPerSecond() {
    return bodyBytes / 1e6 / seconds;
  }

  /** Bytes on disk per body byte, NaN when not measured. */
  public double diskRatio() {
    return diskBytes < 0 ? Double.NaN : (double) diskBytes / bodyBytes;
  }

  @Override
  public String row() {
    return String.format(
        Locale.ROOT,
        "| %s | %,d | %.1f | %,.0f | %.2f | %s | %s | %s | %s | %s | %s |",
        name, records, bodyBytes / 1e6, recordsPerSecond(), bodyMegabytesPerSecond(),
        diskBytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", diskRatio()),
        retries < 0 ? "n/a" : Long.toString(retries),
        needle.cell(), word.cell(), errorHistogram.cell(), byService.cell());
  }
}
