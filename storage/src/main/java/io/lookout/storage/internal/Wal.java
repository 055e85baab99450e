package io.lookout.storage.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-ahead log: numbered segment files of entries {@code [payload length][crc32][seq]
 * [payload]}, the CRC covering sequence and payload. One writer thread takes every queued entry,
 * writes them, forces the file once and then hands the batch on (group commit).
 */
public final class Wal implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Wal.class);
  static final int HEADER = 16;
  private static final int MAX_PAYLOAD = 1 << 30;
  private static final int MAX_BATCH = 4096;
  private static final String SUFFIX = ".wal";

  /** Receives each batch after its fsync, or the error that stopped the log. */
  public interface Listener {
    void durable(List<WalEntry> batch);

    void failed(List<WalEntry> batch, Exception cause);
  }

  private record Segment(Path path, long firstSeq, long[] lastSeq) {}

  private final Path dir;
  private final long segmentBytes;
  private final StorageMetrics metrics;
  private final List<Segment> segments = new ArrayList<>();
  private final LinkedBlockingQueue<WalEntry> queue = new LinkedBlockingQueue<>();
  private final Object submitLock = new Object();
  private boolean closing;
  private volatile Exception failure;
  private Thread writer;
  private Listener listener;
  private FileChannel channel;
  private Segment active;
  private long activeSize;
  private long nextSeq;

  public Wal(Path dir, long segmentBytes, StorageMetrics metrics) throws IOException {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    this.metrics = metrics;
    Files.createDirectories(dir);
  }

  /** Highest sequence noted by the last commit, or -1. */
  public long readCheckpoint() throws IOException {
    Path p = dir.resolve("checkpoint");
    if (!Files.exists(p)) {
      return -1;
    }
    return Long.parseLong(Files.readString(p).trim());
  }

  public void writeCheckpoint(long seq) throws IOException {
    Path tmp = dir.resolve("checkpoint.tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(ByteBuffer.wrap(Long.toString(seq).getBytes(StandardCharsets.US_ASCII)));
      ch.force(true);
    }
    Files.move(tmp, dir.resolve("checkpoint"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Reads every segment in order, passing each valid entry to {@code sink}. A torn or corrupt
   * tail is truncated and logged. Returns the highest sequence read, or -1.
   */
  public long replay(Consumer<WalEntry> sink) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
    }
    long maxSeq = -1;
    for (Path f : files) {
      long first = Long.parseLong(f.getFileName().toString().replace(SUFFIX, ""));
      long last = readSegment(f, maxSeq, sink);
      segments.add(new Segment(f, first, new long[] {last}));
      maxSeq = Math.max(maxSeq, last);
    }
    return maxSeq;
  }

  private long readSegment(Path f, long prevSeq, Consumer<WalEntry> sink) throws IOException {
    long last = -1;
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      long pos = 0;
      ByteBuffer header = ByteBuffer.allocate(HEADER);
      String problem = null;
      while (pos < size) {
        if (size - pos < HEADER) {
          problem = "torn entry header";
          break;
        }
        header.clear();
        readFully(ch, header, pos);
        header.flip();
        int len = header.getInt();
        int crc = header.getInt();
        long seq = header.getLong();
        if (len < 0 || len > MAX_PAYLOAD || size - pos - HEADER < len) {
          problem = "torn entry (length " + len + ")";
          break;
        }
        ByteBuffer payload = ByteBuffer.allocate(len);
        readFully(ch, payload, pos + HEADER);
        byte[] bytes = payload.array();
        if (crc(seq, bytes, len) != crc) {
          problem = "checksum mismatch";
          break;
        }
        if (seq <= Math.max(prevSeq, last)) {
          problem = "sequence " + seq + " not increasing";
          break;
        }
        WalEntry e;
        try {
          e = WalEntry.decode(seq, bytes);
        } catch (CorruptDataException | IllegalArgumentException ex) {
          problem = "undecodable entry: " + ex.getMessage();
          break;
        }
        sink.accept(e);
        last = seq;
        pos += HEADER + len;
      }
      if (problem != null) {
        LOG.warn("write-ahead log segment {}: {} at byte {} of {}, truncating the rest", f.getFileName(),
            problem, pos, size);
        ch.truncate(pos);
        ch.force(true);
      }
    }
    return last;
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      int n = ch.read(b, pos + b.position());
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
    }
  }

  static int crc(long seq, byte[] payload, int len) {
    CRC32 c = new CRC32();
    ByteBuffer s = ByteBuffer.allocate(8).putLong(0, seq);
    c.update(s);
    c.update(payload, 0, len);
    return (int) c.getValue();
  }

  /** Starts the writer; new entries get sequences from {@code firstSeq} on. */
  public void start(long firstSeq, Listener listener) throws IOException {
    this.listener = listener;
    this.nextSeq = firstSeq;
    openSegment();
    writer = Thread.ofPlatform().name("lookout-wal-writer").daemon().start(this::run);
  }

  private void openSegment() throws IOException {
    Path p = dir.resolve(String.format("%020d%s", nextSeq, SUFFIX));
    channel = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
    active = new Segment(p, nextSeq, new long[] {-1});
    activeSize = 0;
    synchronized (segments) {
      // an empty segment left by an earlier run can carry the same name; it is being reused
      segments.removeIf(s -> s.path().equals(p));
      segments.add(active);
    }
    forceDir();
  }

  private void forceDir() throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      LOG.debug("cannot fsync directory {}", dir, e);
    }
  }

  /** Queues an entry; fails when the log is closing or broken. */
  public void submit(WalEntry e) {
    synchronized (submitLock) {
      if (closing) {
        throw new IllegalStateException("write-ahead log is closed");
      }
      if (failure != null) {
        throw new UncheckedIOException("write-ahead log failed: " + failure.getMessage(),
            failure instanceof IOException io ? io : new IOException(failure));
      }
      queue.add(e);
    }
  }

  public Exception failure() {
    return failure;
  }

  private void run() {
    List<WalEntry> batch = new ArrayList<>();
    while (true) {
      WalEntry first;
      try {
        first = queue.poll(50, TimeUnit.MILLISECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return;
      }
      if (first == null) {
        synchronized (submitLock) {
          if (closing && queue.isEmpty()) {
            return;
          }
        }
        continue;
      }
      batch.clear();
      batch.add(first);
      queue.drainTo(batch, MAX_BATCH - 1);
      if (failure != null) {
        listener.failed(new ArrayList<>(batch), failure);
        continue;
      }
      try {
        writeBatch(batch);
      } catch (Exception ex) {
        LOG.error("write-ahead log write failed, refusing further appends", ex);
        failure = ex;
        listener.failed(new ArrayList<>(batch), ex);
        continue;
      }
      listener.durable(new ArrayList<>(batch));
      if (activeSize >= segmentBytes) {
        try {
          channel.close();
          openSegment();
        } catch (IOException ex) {
          LOG.error("cannot start a new write-ahead log segment, refusing further appends", ex);
          failure = ex;
        }
      }
    }
  }

  private void writeBatch(List<WalEntry> batch) throws IOException {
    long t0 = System.nanoTime();
    ByteBuffer[] bufs = new ByteBuffer[batch.size() * 2];
    long total = 0;
    for (int i = 0; i < batch.size(); i++) {
      WalEntry e = batch.get(i);
      e.seq = nextSeq++;
      ByteBuffer h = ByteBuffer.allocate(HEADER);
      h.putInt(e.payload.length).putInt(crc(e.seq, e.payload, e.payload.length)).putLong(e.seq).flip();
      bufs[2 * i] = h;
      bufs[2 * i + 1] = ByteBuffer.wrap(e.payload);
      total += HEADER + e.payload.length;
    }
    long written = 0;
    while (written < total) {
      written += channel.write(bufs);
    }
    channel.force(false);
    active.lastSeq()[0] = batch.getLast().seq;
    activeSize += total;
    metrics.walBytes.inc(total);
    metrics.walSyncSeconds.observe((System.nanoTime() - t0) / 1e9);
  }

  /** Deletes every segment, other than the one being written, whose entries are all <= seq. */
  public void deleteThrough(long seq) {
    List<Segment> doomed = new ArrayList<>();
    synchronized (segments) {
      for (Segment s : segments) {
        if (s != active && s.lastSeq()[0] <= seq) {
          doomed.add(s);
        }
      }
      segments.removeAll(doomed);
    }
    for (Segment s : doomed) {
      try {
        Files.deleteIfExists(s.path());
      } catch (IOException e) {
        LOG.warn("cannot delete write-ahead log segment {}", s.path().getFileName(), e);
      }
    }
  }

  public int segmentCount() {
    synchronized (segments) {
      return segments.size();
    }
  }

  /** Writes everything queued, then stops the writer and closes the file. */
  @Override
  public void close() throws IOException {
    synchronized (submitLock) {
      closing = true;
    }
    if (writer != null) {
      try {
        writer.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (channel != null) {
      channel.close();
    }
    synchronized (segments) {
      // nothing more is written: the last segment may go too once a commit covers it
      active = null;
    }
  }

  /** Test hook for crash simulation: stops the writer without draining, closes the file. */
  public void abandon() throws IOException {
    synchronized (submitLock) {
      closing = true;
    }
    if (writer != null) {
      writer.interrupt();
      try {
        writer.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (channel != null) {
      channel.close();
    }
  }
}
