package io.lookout.agent.file;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fingerprint to offset: how far each file's records are safely in the disk queue. Saved
 * atomically (a temporary file, fsync'd, renamed over the old one) as text lines
 * {@code <fingerprint> <offset> <last seen epoch ms> <path>}.
 */
public final class Checkpoints {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
  /** Entries kept at most; the least recently seen go first. */
  static final int MAX_ENTRIES = 10_000;

  record Entry(long offset, long seenMillis, String path) {}

  private final Path file;
  private final Map<String, Entry> entries = new HashMap<>();
  private final TreeSet<Integer> lengths = new TreeSet<>(Comparator.reverseOrder());
  private boolean dirty;

  public Checkpoints(Path file) throws IOException {
    this.file = file;
    Files.createDirectories(file.getParent());
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] p = line.split(" ", 4);
        if (p.length < 3) {
          continue;
        }
        try {
          Fingerprint.parse(p[0]);
          entries.put(p[0], new Entry(Long.parseLong(p[1]), Long.parseLong(p[2]), p.length > 3 ? p[3] : ""));
          lengths.add(Fingerprint.parse(p[0]).length());
        } catch (RuntimeException e) {
          LOG.warn("skipping an unreadable checkpoint line in {}", file);
        }
      }
    }
  }

  /** The checkpointed offset of a fingerprint, or -1. */
  public long offset(Fingerprint fp) {
    Entry e = entries.get(fp.key());
    return e == null ? -1 : e.offset();
  }

  /** The checkpointed fingerprint a file's first bytes match, longest first, or null. */
  public Fingerprint match(java.nio.channels.FileChannel ch, long size) throws IOException {
    for (int len : lengths) {
      if (len > size) {
        continue;
      }
      Long h = Fingerprint.hashOf(ch, len);
      if (h != null) {
        Fingerprint candidate = new Fingerprint(len, h);
        if (entries.containsKey(candidate.key())) {
          return candidate;
        }
      }
    }
    return null;
  }

  public int size() {
    return entries.size();
  }

  public void put(Fingerprint fp, long offset, String path) {
    Entry old = entries.put(fp.key(), new Entry(offset, System.currentTimeMillis(), path));
    lengths.add(fp.length());
    if (old == null || old.offset() != offset || !old.path().equals(path)) {
      dirty = true;
    }
  }

  /** Writes the file if anything changed. */
  public void save() throws IOException {
    if (!dirty) {
      return;
    }
    if (entries.size() > MAX_ENTRIES) {
      entries.entrySet().stream()
          .sorted(Comparator.comparingLong(e -> e.getValue().seenMillis()))
          .limit(entries.size() - MAX_ENTRIES)
          .map(Map.Entry::getKey)
          .toList()
          .forEach(entries::remove);
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      BufferedWriter w = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(ch), StandardCharsets.UTF_8));
      for (Map.Entry<String, Entry> e : entries.entrySet()) {
        Entry v = e.getValue();
        w.write(e.getKey() + " " + v.offset() + " " + v.seenMillis() + " " + v.path().replace('\n', '?') + "\n");
      }
      w.flush();
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    dirty = false;
  }
}
