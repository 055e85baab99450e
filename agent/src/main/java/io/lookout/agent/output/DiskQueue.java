package io.lookout.agent.output;

import io.lookout.agent.pipeline.Sink.Signal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A disk-backed FIFO of OTLP requests with a byte budget and at-least-once reads.
 *
 * <p>Entries are appended to segment files ({@code <seq>.seg}) as frames {@code [payload length
 * int][crc32c int][signal byte][items int][payload]}; one writer thread writes whatever has
 * arrived and fsyncs once (group commit), then completes the callers' futures. The reader takes
 * batches from a cursor that runs ahead of the acknowledged position; {@link #ack} persists the
 * position atomically ({@code ack} file, written then renamed) and deletes segments wholly
 * before it. After a crash, reading resumes at the last acknowledged position, and a torn frame
 * at the end of the last segment is cut off.
 *
 * <p>One reader thread at a time ({@link #poll} and {@link #ack}); any number of appenders.
 */
public final class DiskQueue implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DiskQueue.class);
  static final int HEADER = QueueFiles.HEADER;
  private static final Signal[] SIGNALS = QueueFiles.SIGNALS;

  /** A position in the queue: segment sequence number and byte offset in it. */
  public record Position(long segment, long offset) {}

  /** Entries read together, all of one signal, ready to be sent as one request. */
  public record Batch(Signal signal, List<byte[]> payloads, int items, long frameBytes, Position end) {
    public long payloadBytes() {
      long n = 0;
      for (byte[] p : payloads) {
        n += p.length;
      }
      return n;
    }

    /** The same batch without its payloads (enough to ack it), so they can be collected while it is sent. */
    public Batch withoutPayloads() {
      return new Batch(signal, List.of(), items, frameBytes, end);
    }
  }

  private record Pending(Signal signal, byte[] payload, int items, CompletableFuture<Void> done) {}

  private final Path dir;
  private final long maxBytes;
  private final long segmentBytes;
  private final AtomicLong usedBytes = new AtomicLong();
  private final LinkedBlockingQueue<Pending> incoming = new LinkedBlockingQueue<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition written = lock.newCondition();
  private final Thread writer;
  private volatile boolean closed;

  // writer state (writer thread only, except durable* read under lock)
  private FileChannel writeChannel;
  private long writeSegment;
  private long writeOffset;
  private long durableSegment;
  private long durableOffset;

  // reader state (reader thread only)
  private long readSegment;
  private long readOffset;
  private FileChannel readChannel;
  private long readChannelSegment = -1;
  private Position acked;

  /**
   * Opens (or creates) the queue in {@code dir} and recovers its state.
   *
   * @param maxBytes budget of unacknowledged frame bytes
   * @param segmentBytes a segment is closed once it reaches this size
   */
  public DiskQueue(Path dir, long maxBytes, long segmentBytes) throws IOException {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.segmentBytes = segmentBytes;
    Files.createDirectories(dir);
    recover();
    writer = Thread.ofPlatform().name("lookout-agent-queue-writer").daemon().unstarted(this::writeLoop);
    writer.start();
  }

  /** Bytes queued and not yet acknowledged (including appends in flight). */
  public long usedBytes() {
    return usedBytes.get();
  }

  public long maxBytes() {
    return maxBytes;
  }

  /** True when nothing is waiting to be read or acknowledged. */
  public boolean isEmpty() {
    return usedBytes.get() == 0;
  }

  /**
   * Appends one request. The future completes once the entry is fsync'd; it fails at once with
   * {@link QueueFullException} when the budget would be exceeded.
   */
  public CompletableFuture<Void> append(Signal signal, byte[] payload, int items) {
    long frame = HEADER + (long) payload.length;
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("the queue is closed"));
    }
    while (true) {
      long used = usedBytes.get();
      if (used + frame > maxBytes) {
        return CompletableFuture.failedFuture(new QueueFullException("disk queue full: " + used + " of "
            + maxBytes + " bytes used, entry of " + frame + " bytes refused (raise buffer.max_bytes)"));
      }
      if (usedBytes.compareAndSet(used, used + frame)) {
        break;
      }
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    incoming.add(new Pending(signal, payload, items, done));
    return done;
  }

  /**
   * Takes the next entries of one signal, up to {@code maxBatchBytes} of payload (at least one
   * entry), waiting up to {@code wait} for data. Returns null when nothing arrived. The entries
   * are not removed until {@link #ack}; a batch not acknowledged is simply offered again after
   * a restart.
   */
  public Batch poll(long maxBatchBytes, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    lock.lock();
    try {
      while (readSegment == durableSegment && readOffset >= durableOffset) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || closed) {
          return null;
        }
        written.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
    try {
      return readBatch(maxBatchBytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the disk queue in " + dir, e);
    }
  }

  private Batch readBatch(long maxBatchBytes) throws IOException {
    List<byte[]> payloads = new ArrayList<>();
    Signal signal = null;
    int items = 0;
    long frames = 0;
    long bytes = 0;
    ByteBuffer header = ByteBuffer.allocate(HEADER);
    while (true) {
      long endSeg;
      long endOff;
      lock.lock();
      try {
        endSeg = durableSegment;
        endOff = durableOffset;
      } finally {
        lock.unlock();
      }
      if (readSegment == endSeg && readOffset >= endOff) {
        break;
      }
      FileChannel ch = readChannel(readSegment);
      long limit = readSegment == endSeg ? endOff : ch.size();
      if (readOffset >= limit) {
        if (readSegment < endSeg) { // finished segment: move on
          readSegment = nextSegment(readSegment, endSeg);
          readOffset = 0;
          continue;
        }
        break;
      }
      header.clear();
      QueueFiles.readFully(ch, header, readOffset);
      header.flip();
      int len = header.getInt();
      int crc = header.getInt();
      Signal s = SIGNALS[header.get()];
      int n = header.getInt();
      if (signal != null && (s != signal || bytes + len > maxBatchBytes)) {
        break;
      }
      byte[] payload = new byte[len];
      QueueFiles.readFully(ch, ByteBuffer.wrap(payload), readOffset + HEADER);
      if (QueueFiles.crc(s, n, payload) != crc) {
        LOG.error("disk queue segment {} is corrupt at offset {}: skipping the rest of the segment", readSegment, readOffset);
        long skipped = limit - readOffset;
        usedBytes.addAndGet(-skipped);
        readOffset = limit;
        continue;
      }
      signal = s;
      payloads.add(payload);
      items += n;
      bytes += len;
      frames += HEADER + len;
      readOffset += HEADER + len;
    }
    if (signal == null) {
      return null;
    }
    return new Batch(signal, payloads, items, frames, new Position(readSegment, readOffset));
  }

  private long nextSegment(long current, long last) {
    for (long s = current + 1; s <= last; s++) {
      if (Files.exists(segmentPath(s))) {
        return s;
      }
    }
    return last;
  }

  /** Marks everything up to the batch's end as delivered: persists the position, frees space. */
  public void ack(Batch batch) throws IOException {
    Position end = batch.end();
    QueueFiles.writeAck(dir, end.segment(), end.offset());
    for (long s = acked.segment(); s < end.segment(); s++) {
      if (s == readChannelSegment) {
        readChannel.close();
        readChannel = null;
        readChannelSegment = -1;
      }
      Files.deleteIfExists(segmentPath(s));
    }
    acked = end;
    usedBytes.addAndGet(-batch.frameBytes());
  }

  /** Stops the writer after it has written what was appended; pending reads return. */
  @Override
  public void close() throws IOException {
    closed = true;
    writer.interrupt();
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lock.lock();
    try {
      written.signalAll();
    } finally {
      lock.unlock();
    }
    if (writeChannel != null) {
      writeChannel.close();
    }
    if (readChannel != null) {
      readChannel.close();
    }
  }

  private void writeLoop() {
    List<Pending> batch = new ArrayList<>();
    while (true) {
      try {
        Pending first = closed ? incoming.poll() : incoming.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          if (closed) {
            return;
          }
          continue;
        }
        batch.add(first);
      } catch (InterruptedException e) {
        if (!closed) {
          continue;
        }
        Pending p = incoming.poll();
        if (p == null) {
          return;
        }
        batch.add(p);
      }
      incoming.drainTo(batch, 4096);
      try {
        writeAll(batch);
      } catch (RuntimeException e) {
        LOG.error("disk queue writer failed: {} entries refused", batch.size(), e);
        for (Pending p : batch) {
          if (p.done().completeExceptionally(e)) {
            usedBytes.addAndGet(-(HEADER + (long) p.payload().length));
          }
        }
      }
      batch.clear();
    }
  }

  private void writeAll(List<Pending> batch) {
    long startSeg = writeSegment;
    long startOff = writeOffset;
    try {
      ByteBuffer header = ByteBuffer.allocate(HEADER);
      for (Pending p : batch) {
        long frame = HEADER + (long) p.payload().length;
        if (writeOffset > 0 && writeOffset + frame > segmentBytes) {
          roll();
        }
        header.clear();
        header.putInt(p.payload().length).putInt(QueueFiles.crc(p.signal(), p.items(), p.payload()))
            .put((byte) p.signal().ordinal()).putInt(p.items()).flip();
        ByteBuffer body = ByteBuffer.wrap(p.payload());
        while (header.hasRemaining() || body.hasRemaining()) {
          writeChannel.write(new ByteBuffer[] {header, body});
        }
        writeOffset += frame;
      }
      writeChannel.force(false);
    } catch (IOException e) {
      LOG.error("disk queue write failed in {}: {} entries refused", dir, batch.size(), e);
      long freed = 0;
      for (Pending p : batch) {
        freed += HEADER + (long) p.payload().length;
        p.done().completeExceptionally(e);
      }
      usedBytes.addAndGet(-freed);
      try {
        if (writeSegment == startSeg) {
          writeChannel.truncate(startOff);
          writeChannel.position(startOff);
          writeOffset = startOff;
        }
      } catch (IOException ignored) {
        // the next recovery cuts the torn tail
      }
      return;
    }
    lock.lock();
    try {
      durableSegment = writeSegment;
      durableOffset = writeOffset;
      written.signalAll();
    } finally {
      lock.unlock();
    }
    for (Pending p : batch) {
      p.done().complete(null);
    }
  }

  private void roll() throws IOException {
    writeChannel.force(false);
    writeChannel.close();
    lock.lock();
    try {
      // the finished segment is complete: readers may move past it
      durableSegment = writeSegment;
      durableOffset = writeOffset;
    } finally {
      lock.unlock();
    }
    writeSegment++;
    writeOffset = 0;
    writeChannel = FileChannel.open(segmentPath(writeSegment), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    QueueFiles.forceDir(dir);
  }

  private void recover() throws IOException {
    TreeMap<Long, Path> segments = QueueFiles.segments(dir);
    long[] a = QueueFiles.readAck(dir);
    Position ack = a == null ? null : new Position(a[0], a[1]);
    if (ack == null) {
      ack = new Position(segments.isEmpty() ? 1 : segments.firstKey(), 0);
    }
    for (var it = segments.headMap(ack.segment()).entrySet().iterator(); it.hasNext(); ) {
      Files.deleteIfExists(it.next().getValue());
      it.remove();
    }
    if (segments.isEmpty() || segments.lastKey() < ack.segment()) {
      segments.put(ack.segment(), segmentPath(ack.segment()));
      ack = new Position(ack.segment(), Math.min(ack.offset(), 0));
    }
    long last = segments.lastKey();
    long used = 0;
    for (var e : segments.entrySet()) {
      long size = Files.exists(e.getValue()) ? Files.size(e.getValue()) : 0;
      if (e.getKey() == last) {
        size = QueueFiles.validLength(e.getValue(), e.getKey() == ack.segment() ? ack.offset() : 0);
      }
      used += size - (e.getKey() == ack.segment() ? Math.min(ack.offset(), size) : 0);
      if (e.getKey() == last) {
        writeSegment = last;
        writeOffset = size;
      }
    }
    writeChannel = FileChannel.open(segmentPath(writeSegment), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    if (writeChannel.size() > writeOffset) {
      LOG.warn("disk queue segment {} had a torn tail: cut from {} to {} bytes", writeSegment, writeChannel.size(), writeOffset);
      writeChannel.truncate(writeOffset);
    }
    writeChannel.position(writeOffset);
    durableSegment = writeSegment;
    durableOffset = writeOffset;
    readSegment = ack.segment();
    readOffset = ack.offset();
    acked = ack;
    usedBytes.set(used);
    if (used > 0) {
      LOG.info("disk queue recovered: {} bytes to send from segment {} offset {}", used, ack.segment(), ack.offset());
    }
  }

  private FileChannel readChannel(long segment) throws IOException {
    if (readChannelSegment != segment) {
      if (readChannel != null) {
        readChannel.close();
      }
      readChannel = FileChannel.open(segmentPath(segment), StandardOpenOption.READ);
      readChannelSegment = segment;
    }
    return readChannel;
  }

  private Path segmentPath(long segment) {
    return QueueFiles.segmentPath(dir, segment);
  }


}
