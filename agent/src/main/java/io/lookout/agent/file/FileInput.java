package io.lookout.agent.file;

import io.lookout.agent.config.FileInputConfig;
import io.lookout.agent.output.QueueFullException;
import io.lookout.agent.output.QueueSink;
import io.lookout.agent.parse.Event;
import io.lookout.agent.parse.OtlpLogBatch;
import io.lookout.agent.parse.Processor;
import io.lookout.agent.pipeline.Sink;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails the files of one {@code files:} entry on its own thread: discovers them by glob, follows
 * them by fingerprint across rename and copy-truncate rotation, joins, parses and batches their
 * records, writes each batch to the disk queue and, once it is durable there, advances and
 * saves the checkpoints. When the queue is full it waits (nothing is dropped).
 */
public final class FileInput implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FileInput.class);
  static final long SCAN_NANOS = 500_000_000L;
  static final long IDLE_SLEEP_MS = 100;
  /** A file no longer matched by the globs (renamed away, deleted) is closed this long after its last data. */
  static final long ROTATE_WAIT_NANOS = 5_000_000_000L;
  private static final int READ_CHUNK = 64 * 1024;
  private static final int MAX_READ_PER_TURN = 1 << 20;

  private final FileInputConfig config;
  private final List<Glob> globs = new ArrayList<>();
  private final List<Glob> excludes = new ArrayList<>();
  private final QueueSink sink;
  private final Checkpoints checkpoints;
  private final Processor processor;
  private final Resource resource;
  private final FileMetrics metrics;
  private final int maxRecords;
  private final long maxBytes;
  private final long batchTimeoutNanos;
  private final Map<Object, TrackedFile> open = new LinkedHashMap<>();
  private final OtlpLogBatch batch = new OtlpLogBatch();
  private final Map<TrackedFile, Long> batchOffsets = new IdentityHashMap<>();
  private final ByteBuffer buf = ByteBuffer.allocate(READ_CHUNK);
  private final long[] truncations = new long[1];
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread thread;
  private volatile int openFiles;
  private boolean firstScan = true;
  /** Set when a batch could not be queued at shutdown: no checkpoint may move past it. */
  private boolean abandoned;
  private long lastScan;
  private long linesRead;
  private long lastParseFailures;
  private long lastDropped;

  /**
   * @param checkpointFile where this input's checkpoints live
   * @param resourceAttributes service.name, host.name and any configured resource attributes
   */
  public FileInput(FileInputConfig config, Path checkpointFile, Map<String, String> resourceAttributes,
      QueueSink sink, int maxRecords, long maxBytes, Duration batchTimeout, FileMetrics metrics) throws IOException {
    this.config = config;
    config.paths().forEach(p -> globs.add(new Glob(p)));
    config.exclude().forEach(p -> excludes.add(new Glob(p)));
    this.sink = sink;
    this.checkpoints = new Checkpoints(checkpointFile);
    this.processor = new Processor(config);
    this.resource = OtlpLogBatch.resource(resourceAttributes);
    this.metrics = metrics;
    this.maxRecords = maxRecords;
    this.maxBytes = maxBytes;
    this.batchTimeoutNanos = batchTimeout.toNanos();
    this.thread = Thread.ofPlatform().name("lookout-agent-files-" + Integer.toHexString(config.paths().hashCode()))
        .unstarted(this::run);
  }

  public void start() {
    metrics.add(this);
    thread.start();
  }

  int openFiles() {
    return openFiles;
  }

  /** Stops reading, writes what is pending to the queue, saves the checkpoints. */
  @Override
  public void close() throws InterruptedException {
    stop.countDown();
    thread.join(30_000);
    metrics.remove(this);
  }

  private void run() {
    try {
      while (stop.getCount() > 0) {
        long now = System.nanoTime();
        if (firstScan || now - lastScan >= SCAN_NANOS) {
          scan(now);
          lastScan = now;
          firstScan = false;
        }
        boolean progress = false;
        for (TrackedFile t : List.copyOf(open.values())) {
          progress |= readSome(t, now);
        }
        for (TrackedFile t : open.values()) {
          Multiline.Record r = t.multiline.flushIfIdle(now);
          if (r != null) {
            record(t, r);
          }
        }
        if (batch.records() > 0 && System.nanoTime() - batch.firstNanos() >= batchTimeoutNanos
            || batch.records() == 0 && !batchOffsets.isEmpty()) {
          flush();
        }
        closeFinished(System.nanoTime());
        openFiles = open.size();
        updateCounters();
        if (!progress && stop.await(IDLE_SLEEP_MS, TimeUnit.MILLISECONDS)) {
          break;
        }
      }
      for (TrackedFile t : open.values()) {
        Multiline.Record r = t.multiline.flush();
        if (r != null) {
          record(t, r);
        }
      }
      flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | IOException e) {
      LOG.error("file input {} stopped", config.paths(), e);
    } finally {
      updateCounters();
      open.values().forEach(TrackedFile::close);
      open.clear();
      openFiles = 0;
    }
  }

  private void updateCounters() {
    // counted on the input thread, published in bulk
    metrics.lines.inc(linesRead);
    linesRead = 0;
    metrics.truncated.inc(truncations[0]);
    truncations[0] = 0;
    metrics.parseFailures.inc(processor.parseFailures - lastParseFailures);
    lastParseFailures = processor.parseFailures;
    metrics.dropped.inc(processor.dropped - lastDropped);
    lastDropped = processor.dropped;
  }

  /** Finds new files, renames and truncations. */
  void scan(long now) throws IOException, InterruptedException {
    Map<Object, Path> seen = new HashMap<>();
    for (Glob g : globs) {
      for (Path p : g.files()) {
        if (excluded(p)) {
          continue;
        }
        try {
          Object key = Files.readAttributes(p, BasicFileAttributes.class).fileKey();
          seen.putIfAbsent(key == null ? p : key, p);
        } catch (NoSuchFileException e) {
          // gone between the walk and now
        }
      }
    }
    for (TrackedFile t : List.copyOf(open.values())) {
      Path p = seen.get(t.fileKey);
      if (p == null) {
        if (t.unmatchedSinceNanos < 0) {
          t.unmatchedSinceNanos = now;
          metrics.rotations.labelValues("rename").inc();
          LOG.debug("{} was moved away or deleted: reading it to its end", t.pathText);
        }
      } else {
        t.unmatchedSinceNanos = -1;
        if (!p.equals(t.path)) {
          t.setPath(p);
        }
      }
      checkTruncated(t);
    }
    for (Map.Entry<Object, Path> e : seen.entrySet()) {
      if (!open.containsKey(e.getKey())) {
        tryOpen(e.getKey(), e.getValue(), now);
      }
    }
    openFiles = open.size();
  }

  private boolean excluded(Path p) {
    for (Glob g : excludes) {
      if (g.matches(p)) {
        return true;
      }
    }
    return false;
  }

  private void checkTruncated(TrackedFile t) throws IOException, InterruptedException {
    long size = t.channel.size();
    boolean rewritten = size < t.readPos
        || t.fingerprint != null && t.readPos > 0 && !t.fingerprint.matches(t.channel);
    if (!rewritten) {
      return;
    }
    metrics.rotations.labelValues("truncate").inc();
    LOG.info("{} was truncated (size {} < offset {} or new content): reading it from the start", t.pathText, size, t.readPos);
    // what was read so far belongs to the old content: queue it and checkpoint it, so that a copy
    // of the old content (copy-truncate) resumes exactly after it
    Multiline.Record r = t.multiline.flush();
    if (r != null) {
      record(t, r);
    }
    flush();
    t.restart();
  }

  private void tryOpen(Object key, Path p, long now) throws IOException {
    FileChannel ch;
    try {
      ch = FileChannel.open(p, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      LOG.warn("cannot open {}: {}", p, e.toString());
      return;
    }
    boolean keep = false;
    try {
      long size = ch.size();
      Fingerprint fp = checkpoints.match(ch, size);
      long offset = fp == null ? -1 : checkpoints.offset(fp);
      if (fp == null) {
        fp = Fingerprint.of(ch);
        if (fp == null) {
          return; // too little content to identify yet
        }
        offset = firstScan && config.startAt() == FileInputConfig.StartAt.END ? size : 0;
      }
      for (TrackedFile t : open.values()) {
        if (fp.equals(t.fingerprint)) {
          return; // a copy of a file being read (copy-truncate in progress): wait for the original
        }
      }
      if (offset > size) {
        offset = 0; // checkpoint beyond the end: the content was rewritten
      }
      TrackedFile t = new TrackedFile(ch, key, p, fp, offset, config.charset(), (int) config.maxLineBytes().bytes(),
          new Multiline(config.multiline()), now);
      open.put(key, t);
      keep = true;
      LOG.info("tailing {} from offset {} (fingerprint {})", p, offset, fp.key());
    } finally {
      if (!keep) {
        ch.close();
      }
    }
  }

  private boolean readSome(TrackedFile t, long now) throws IOException, InterruptedException {
    if (t.fingerprint == null) {
      t.fingerprint = Fingerprint.of(t.channel);
      if (t.fingerprint == null) {
        return false;
      }
    } else if (t.readPos > 0 && t.channel.size() != t.readPos) {
      // new data: make sure it still follows the content read so far (not a truncated and refilled file)
      checkTruncated(t);
      if (t.fingerprint == null) {
        return true; // restarted: identify the new content on the next turn
      }
    }
    int total = 0;
    while (total < MAX_READ_PER_TURN) {
      int n = t.read(buf, this::line, truncations);
      if (n <= 0) {
        break;
      }
      total += n;
    }
    if (total > 0) {
      metrics.bytes.inc(total);
      t.lastDataNanos = now;
    }
    return total > 0;
  }

  private void line(TrackedFile t, String text, long endOffset, boolean truncated) {
    linesRead++;
    Multiline.Record r;
    if (t.multiline.passThrough()) {
      r = new Multiline.Record(text, endOffset, truncated);
    } else {
      r = t.multiline.accept(text, endOffset, truncated, System.nanoTime());
    }
    if (r != null) {
      try {
        record(t, r);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  private void record(TrackedFile t, Multiline.Record r) throws InterruptedException {
    Event e = processor.process(r.text());
    if (e != null) {
      if (r.truncated()) {
        e.attributes().put("log.record.truncated", Boolean.TRUE);
      }
      batch.add(resource, e, new String[] {"log.file.path", t.pathText, "log.file.name", t.nameText},
          System.currentTimeMillis() * 1_000_000L);
    }
    t.emitted = r.endOffset();
    batchOffsets.put(t, r.endOffset());
    if (batch.records() >= maxRecords || batch.bytes() >= maxBytes) {
      flush();
    }
  }

  /** Writes the batch to the queue, waits until it is durable, then advances the checkpoints. */
  private void flush() throws InterruptedException {
    if (batch.records() > 0) {
      int n = batch.records();
      byte[] body = batch.drainBytes();
      boolean waited = false;
      while (true) {
        try {
          sink.submit(Sink.Signal.LOGS, body, n, false).get();
          break;
        } catch (ExecutionException ex) {
          if (stop.getCount() == 0 && waited) {
            // stopping while the queue refuses: keep the checkpoints where they are (the records are
            // read again after the restart) and commit nothing more in this run
            abandoned = true;
            batchOffsets.clear();
            LOG.warn("stopping with a batch of {} records not queued: it is read again after the restart", n);
            return;
          }
          if (!(ex.getCause() instanceof QueueFullException)) {
            LOG.error("cannot write to the disk queue; retrying in 1s", ex.getCause());
          } else if (!waited) {
            metrics.queueFullWaits.inc();
            LOG.warn("disk queue full: file input {} pauses until the server catches up", config.paths());
          }
          waited = true;
          Thread.sleep(stop.getCount() == 0 ? 50 : 250);
        }
      }
      metrics.records.inc(n);
    }
    if (batchOffsets.isEmpty() || abandoned) {
      batchOffsets.clear();
      return;
    }
    for (Map.Entry<TrackedFile, Long> e : batchOffsets.entrySet()) {
      TrackedFile t = e.getKey();
      t.committed = e.getValue();
      if (t.fingerprint != null) {
        checkpoints.put(t.fingerprint, t.committed, t.pathText);
      }
    }
    batchOffsets.clear();
    try {
      checkpoints.save();
    } catch (IOException ex) {
      LOG.error("cannot save checkpoints; records may be sent twice after a restart", ex);
    }
  }

  private void closeFinished(long now) throws IOException, InterruptedException {
    List<TrackedFile> done = new ArrayList<>();
    for (TrackedFile t : open.values()) {
      boolean atEnd = t.readPos >= t.channel.size();
      boolean gone = t.unmatchedSinceNanos >= 0 && now - Math.max(t.lastDataNanos, t.unmatchedSinceNanos) >= ROTATE_WAIT_NANOS;
      if (atEnd && gone) {
        done.add(t);
      }
    }
    if (done.isEmpty()) {
      return;
    }
    for (TrackedFile t : done) {
      Multiline.Record r = t.multiline.flush();
      if (r != null) {
        record(t, r);
      }
    }
    flush();
    for (TrackedFile t : done) {
      open.remove(t.fileKey);
      t.close();
      LOG.info("closed {} at offset {}", t.pathText, t.committed);
    }
  }

  /** Paths of the files open now (for tests). */
  Set<Path> openPaths() {
    Set<Path> s = new java.util.TreeSet<>();
    open.values().forEach(t -> s.add(t.path));
    return s;
  }
}
