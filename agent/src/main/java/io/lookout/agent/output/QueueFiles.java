package io.lookout.agent.output;

import io.lookout.agent.pipeline.Sink.Signal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The disk queue's files: frame layout and checksums, segment names, the ack file. */
final class QueueFiles {
  private static final Logger LOG = LoggerFactory.getLogger(QueueFiles.class);
  /** Frame header: payload length int, crc32c int, signal byte, items int. */
  static final int HEADER = 13;
  static final Signal[] SIGNALS = Signal.values();

  private QueueFiles() {}

  static Path segmentPath(Path dir, long segment) {
    return dir.resolve(String.format("%020d.seg", segment));
  }

  /** Segment files by sequence number. */
  static TreeMap<Long, Path> segments(Path dir) throws IOException {
    TreeMap<Long, Path> segments = new TreeMap<>();
    try (var list = Files.list(dir)) {
      for (Path p : (Iterable<Path>) list::iterator) {
        String n = p.getFileName().toString();
        if (n.endsWith(".seg") && n.length() > 4) {
          try {
            segments.put(Long.parseLong(n.substring(0, n.length() - 4)), p);
          } catch (NumberFormatException ignored) {
            // not ours
          }
        }
      }
    }
    return segments;
  }

  /** Persists the acknowledged position: written to a temporary file, fsync'd, renamed over {@code ack}. */
  static void writeAck(Path dir, long segment, long offset) throws IOException {
    Path tmp = dir.resolve("ack.tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(ByteBuffer.wrap((segment + " " + offset + "\n").getBytes(StandardCharsets.US_ASCII)));
      ch.force(true);
    }
    try {
      Files.move(tmp, dir.resolve("ack"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, dir.resolve("ack"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The acknowledged position {segment, offset}, or null when there is none (or it is unreadable). */
  static long[] readAck(Path dir) throws IOException {
    Path p = dir.resolve("ack");
    if (!Files.exists(p)) {
      return null;
    }
    String[] parts = Files.readString(p, StandardCharsets.US_ASCII).trim().split(" ");
    try {
      return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
    } catch (RuntimeException e) {
      LOG.error("disk queue ack file {} is unreadable: starting from the oldest segment", p);
      return null;
    }
  }

  /** Length of the prefix of a segment made of whole frames with valid checksums. */
  static long validLength(Path p, long from) throws IOException {
    if (!Files.exists(p)) {
      return 0;
    }
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      long size = ch.size();
      long pos = from;
      ByteBuffer header = ByteBuffer.allocate(HEADER);
      while (pos + HEADER <= size) {
        header.clear();
        readFully(ch, header, pos);
        header.flip();
        int len = header.getInt();
        int crc = header.getInt();
        int sig = header.get();
        int n = header.getInt();
        if (len < 0 || sig < 0 || sig >= SIGNALS.length || pos + HEADER + len > size) {
          break;
        }
        byte[] payload = new byte[len];
        readFully(ch, ByteBuffer.wrap(payload), pos + HEADER);
        if (crc(SIGNALS[sig], n, payload) != crc) {
          break;
        }
        pos += HEADER + len;
      }
      return pos;
    }
  }

  static void forceDir(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException ignored) {
      // not supported everywhere
    }
  }

  static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new IOException("unexpected end of queue segment");
      }
      pos += n;
    }
  }

  static int crc(Signal signal, int items, byte[] payload) {
    CRC32C c = new CRC32C();
    c.update(signal.ordinal());
    c.update(items >>> 24);
    c.update(items >>> 16);
    c.update(items >>> 8);
    c.update(items);
    c.update(payload);
    return (int) c.getValue();
  }
}
