package io.lookout.storage.internal;

import io.lookout.model.LogRecord;
import io.lookout.model.Span;
import io.lookout.model.metrics.SeriesBatch;
import io.lookout.model.spi.AppendResult;
import io.lookout.storage.internal.tsdb.SeriesCodec;
import io.lookout.storage.internal.tsdb.Tsdb;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One write-ahead-log entry: a tenant's batch of one signal. The payload is what goes to disk;
 * the records of logs and spans are also kept decoded, with the offset of each record's encoding
 * inside the payload so the indexer stores that slice as the document source.
 *
 * <p>Payload layout: version, signal code, tenant, received time, then for logs and spans a
 * count and length-prefixed records; for samples the encoded series batch. Entries of the first
 * version's raw OTLP metrics ({@link Signal#METRICS}: data point count, length, bytes) are still
 * decoded so replay can skip them.
 */
public final class WalEntry {
  private static final int VERSION = 1;

  public final Signal signal;
  public final String tenant;
  public final long receivedNanos;
  public final byte[] payload;
  /** Decoded records (LogRecord or Span, or the one SeriesBatch of samples); empty for raw metrics. */
  public final List<?> records;
  public final int[] offsets;
  public final int[] lengths;
  public final int dataPoints;
  /** The head series of a samples entry's batch found at append time; null on replay. */
  public Tsdb.SeriesRefs seriesRefs;

  /** Assigned by the log writer (or read back on replay). */
  public volatile long seq = -1;
  /** {@link System#nanoTime()} when the entry joined the index queue; guarded by the queue lock. */
  long queuedNanos;
  /** Completed by the log writer once the entry is on disk; null for replayed entries. */
  public final CompletableFuture<AppendResult> future;
  public final AppendResult result;

  private WalEntry(Signal signal, String tenant, long receivedNanos, byte[] payload, List<?> records,
      int[] offsets, int[] lengths, int dataPoints, AppendResult result, CompletableFuture<AppendResult> future) {
    this.signal = signal;
    this.tenant = tenant;
    this.receivedNanos = receivedNanos;
    this.payload = payload;
    this.records = records;
    this.offsets = offsets;
    this.lengths = lengths;
    this.dataPoints = dataPoints;
    this.result = result;
    this.future = future;
  }

  /** Bytes this entry holds in memory while queued, for the indexer budget. */
  public long memoryBytes() {
    return payload.length * 2L + 64L * records.size() + 128 + 24L * dataPoints;
  }

  /** The series batch of a {@link Signal#SAMPLES} entry. */
  public SeriesBatch seriesBatch() {
    return (SeriesBatch) records.get(0);
  }

  public static WalEntry ofSeries(String tenant, long receivedNanos, SeriesBatch batch, AppendResult result) {
    return ofSeries(tenant, receivedNanos, batch, null, result);
  }

  /** A samples entry; {@code refs} (nullable) are the head series of the batch found before. */
  public static WalEntry ofSeries(String tenant, long receivedNanos, SeriesBatch batch, Tsdb.SeriesRefs refs,
      AppendResult result) {
    int points = (int) Math.min(Integer.MAX_VALUE, batch.sampleCount());
    ByteWriter w = new ByteWriter(128 + points * 11 + batch.series().size() * 128);
    header(w, Signal.SAMPLES, tenant, receivedNanos);
    SeriesCodec.write(w, batch, refs);
    WalEntry e = new WalEntry(Signal.SAMPLES, tenant, receivedNanos, w.toByteArray(), List.of(batch), new int[0],
        new int[0], points, result, new CompletableFuture<>());
    e.seriesRefs = refs;
    return e;
  }

  public static WalEntry ofLogs(String tenant, long receivedNanos, List<LogRecord> records, AppendResult result) {
    return ofRecords(Signal.LOGS, tenant, receivedNanos, records, result);
  }

  public static WalEntry ofSpans(String tenant, long receivedNanos, List<Span> spans, AppendResult result) {
    return ofRecords(Signal.SPANS, tenant, receivedNanos, spans, result);
  }

  private static WalEntry ofRecords(Signal signal, String tenant, long receivedNanos, List<?> records,
      AppendResult result) {
    ByteWriter w = new ByteWriter(256 + records.size() * 256);
    header(w, signal, tenant, receivedNanos);
    w.writeVInt(records.size());
    int[] offsets = new int[records.size()];
    int[] lengths = new int[records.size()];
    for (int i = 0; i < records.size(); i++) {
      int lenPos = w.length();
      w.writeInt(0);
      int start = w.length();
      if (signal == Signal.LOGS) {
        RecordCodec.writeLog(w, (LogRecord) records.get(i));
      } else {
        RecordCodec.writeSpan(w, (Span) records.get(i));
      }
      offsets[i] = start;
      lengths[i] = w.length() - start;
      w.setInt(lenPos, lengths[i]);
    }
    return new WalEntry(signal, tenant, receivedNanos, w.toByteArray(), records, offsets, lengths, 0, result,
        new CompletableFuture<>());
  }

  private static void header(ByteWriter w, Signal signal, String tenant, long receivedNanos) {
    w.writeByte(VERSION);
    w.writeByte(signal.code());
    w.writeString(tenant);
    w.writeLong(receivedNanos);
  }

  /** Decodes an entry read back from the log. */
  public static WalEntry decode(long seq, byte[] payload) {
    ByteReader r = new ByteReader(payload, 0, payload.length);
    int v = r.readByte();
    if (v != VERSION) {
      throw new CorruptDataException("unknown entry version " + v);
    }
    Signal signal = Signal.ofCode(r.readByte());
    String tenant = r.readString();
    long received = r.readLong();
    WalEntry e;
    if (signal == Signal.METRICS) {
      // A raw OTLP export of the first version: its body is skipped, the caller drops the entry.
      int points = r.readVInt();
      r.skip(r.readVInt());
      e = new WalEntry(signal, tenant, received, payload, List.of(), new int[0], new int[0], points, null, null);
    } else if (signal == Signal.SAMPLES) {
      SeriesBatch batch = SeriesCodec.read(r);
      e = new WalEntry(signal, tenant, received, payload, List.of(batch), new int[0], new int[0],
          (int) Math.min(Integer.MAX_VALUE, batch.sampleCount()), null, null);
    } else {
      int n = r.readCount();
      int[] offsets = new int[n];
      int[] lengths = new int[n];
      List<Object> records = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int len = r.readInt();
        int off = r.position();
        r.skip(len);
        offsets[i] = off;
        lengths[i] = len;
        records.add(signal == Signal.LOGS
            ? RecordCodec.readLog(payload, off, len)
            : RecordCodec.readSpan(payload, off, len));
      }
      e = new WalEntry(signal, tenant, received, payload, records, offsets, lengths, 0, null, null);
    }
    e.seq = seq;
    return e;
  }
}
