package io.lookout.storage.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raw OTLP metric exports kept until a time-series store imports them:
 * {@code <data>/metrics/<tenant>/pending-<partition>.otlp}, each export as a 4-byte length and
 * the bytes. A sidecar {@code .ckpt} file holds {@code <wal seq> <file length>} as of the last
 * commit; on open the file is cut back to that length, so replaying the log after it adds each
 * export exactly once.
 */
public final class MetricSpool {
  private static final Logger LOG = LoggerFactory.getLogger(MetricSpool.class);
  private static final String PREFIX = "pending-";
  private static final String SUFFIX = ".otlp";

  private static final class Spool {
    final Path file;
    final FileChannel channel;
    final long startNanos;
    long committedSeq;
    boolean dirty;

    Spool(Path file, FileChannel channel, long startNanos, long committedSeq) {
      this.file = file;
      this.channel = channel;
      this.startNanos = startNanos;
      this.committedSeq = committedSeq;
    }
  }

  private final Path root;
  private final Partitioning partitioning;
  private final Map<Path, Spool> spools = new HashMap<>();

  public MetricSpool(Path dataDir, Partitioning partitioning) {
    this.root = dataDir.resolve(Signal.METRICS.dirName());
    this.partitioning = partitioning;
  }

  /** Opens the spool files on disk, cutting each back to its last committed length. */
  public synchronized void openExisting() throws IOException {
    Files.createDirectories(root);
    try (Stream<Path> tenants = Files.list(root)) {
      for (Path t : tenants.filter(Files::isDirectory).toList()) {
        try (Stream<Path> files = Files.list(t)) {
          for (Path f : files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).toList()) {
            open(f);
          }
        }
      }
    }
  }

  private Spool open(Path f) throws IOException {
    String n = f.getFileName().toString();
    Long start = Partitioning.parseStart(n.substring(PREFIX.length(), n.length() - SUFFIX.length()));
    long seq = -1;
    long len = 0;
    Path ck = checkpointOf(f);
    if (Files.exists(ck)) {
      String[] parts = Files.readString(ck, StandardCharsets.US_ASCII).trim().split(" ");
      seq = Long.parseLong(parts[0]);
      len = Long.parseLong(parts[1]);
    }
    FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    if (ch.size() > len) {
      LOG.info("metric spool {}: cutting {} uncommitted bytes, the write-ahead log replays them", f.getFileName(),
          ch.size() - len);
      ch.truncate(len);
    }
    ch.position(ch.size());
    Spool s = new Spool(f, ch, start == null ? 0 : start, seq);
    spools.put(f, s);
    return s;
  }

  private static Path checkpointOf(Path f) {
    return f.resolveSibling(f.getFileName().toString().replace(SUFFIX, ".ckpt"));
  }

  /** Appends an entry unless the file already holds it (replay after a commit). */
  public synchronized void append(WalEntry e) throws IOException {
    long start = partitioning.startOf(e.receivedNanos);
    Path f = root.resolve(e.tenant)
        .resolve(PREFIX + Partitioning.name(start, partitioning.lengthNanos()) + SUFFIX);
    Spool s = spools.get(f);
    if (s == null) {
      Files.createDirectories(f.getParent());
      s = open(f);
    }
    if (s.committedSeq >= e.seq) {
      return;
    }
    ByteBuffer len = ByteBuffer.allocate(4).putInt(0, e.metricLength);
    ByteBuffer body = ByteBuffer.wrap(e.payload, e.metricOffset, e.metricLength);
    ByteBuffer[] bufs = {len, body};
    long total = 4L + e.metricLength;
    long written = 0;
    while (written < total) {
      written += s.channel.write(bufs);
    }
    s.dirty = true;
  }

  /** Forces every changed file and records {@code seq} and its length in the sidecar. */
  public synchronized void commit(long seq) throws IOException {
    for (Spool s : spools.values()) {
      if (!s.dirty) {
        continue;
      }
      s.channel.force(false);
      Path ck = checkpointOf(s.file);
      Path tmp = ck.resolveSibling(ck.getFileName() + ".tmp");
      Files.writeString(tmp, seq + " " + s.channel.size(), StandardCharsets.US_ASCII);
      try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        c.force(true);
      }
      Files.move(tmp, ck, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      s.committedSeq = seq;
      s.dirty = false;
    }
  }

  public synchronized long maxCommittedSeq() {
    long max = -1;
    for (Spool s : spools.values()) {
      max = Math.max(max, s.committedSeq);
    }
    return max;
  }

  /** Deletes spool files whose partition ended at or before {@code cutoff}. */
  public synchronized int deleteEndingBefore(long cutoff) throws IOException {
    List<Path> doomed = new ArrayList<>();
    for (Spool s : spools.values()) {
      if (s.startNanos + partitioning.lengthNanos() <= cutoff) {
        doomed.add(s.file);
      }
    }
    for (Path f : doomed) {
      Spool s = spools.remove(f);
      s.channel.close();
      Files.deleteIfExists(f);
      Files.deleteIfExists(checkpointOf(f));
    }
    return doomed.size();
  }

  public synchronized void close() throws IOException {
    for (Spool s : spools.values()) {
      s.channel.close();
    }
    spools.clear();
  }
}
