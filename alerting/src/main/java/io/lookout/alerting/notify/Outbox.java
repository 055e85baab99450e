package io.lookout.alerting.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable notification outbox: an append-only log of JSON lines ({@code add}, {@code attempt},
 * {@code done}) under the data directory. {@link #sync} forces it to disk; the notifier calls it
 * after adding entries and before their first attempt (one fsync per batch). A torn last line
 * after a crash is ignored. The log is rewritten (compacted) when it grows, keeping pending entries
 * and the bounded history of finished ones. Confined to the notifier's state thread.
 */
final class Outbox implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int MAX_ATTEMPTS_KEPT = 20;
  private static final long COMPACT_BYTES = 8L << 20;

  /** One recorded delivery attempt. {@code status} is the HTTP status, 0 when none arrived. */
  record Attempt(long at, long durationMs, int status, String error, long backoffCapMs, long nextAt) {}

  /** A notification: pending until delivered (2xx) or failed permanently. */
  static final class Entry {
    final String id;
    final String tenant;
    final String receiver;
    final String groupKey;
    final String status;
    final long createdAt;
    final List<String> firing;
    final List<String> resolved;
    final int alertCount;
    String body;
    String state = "pending";
    long nextAttemptAt;
    int attempts;
    final ArrayDeque<Attempt> recent = new ArrayDeque<>();
    boolean inFlight;
    long finishedAt;
    String reason = "";

    Entry(String id, String tenant, String receiver, String groupKey, String status, long createdAt,
        List<String> firing, List<String> resolved, int alertCount, String body) {
      this.id = id;
      this.tenant = tenant;
      this.receiver = receiver;
      this.groupKey = groupKey;
      this.status = status;
      this.createdAt = createdAt;
      this.firing = List.copyOf(firing);
      this.resolved = List.copyOf(resolved);
      this.alertCount = alertCount;
      this.body = body;
      this.nextAttemptAt = createdAt;
    }

    /** Deliveries of one group to one receiver stay in order. */
    String chain() {
      return tenant + '\u0000' + groupKey + '\u0000' + receiver;
    }

    void record(Attempt a) {
      attempts++;
      recent.addLast(a);
      while (recent.size() > MAX_ATTEMPTS_KEPT) {
        recent.removeFirst();
      }
    }
  }

  private final Path file;
  private final int historyLimit;
  private final LinkedHashMap<String, Entry> pending = new LinkedHashMap<>();
  private final ArrayDeque<Entry> finished = new ArrayDeque<>();
  private FileChannel channel;
  private boolean unsynced;
  private boolean unsyncedAdds;
  private long bytes;
  private long bytesAfterCompact;

  Outbox(Path dir, int historyLimit) throws IOException {
    Files.createDirectories(dir);
    this.file = dir.resolve("outbox.log");
    this.historyLimit = historyLimit;
    if (Files.exists(file)) {
      load();
    }
    compact(); // start from a clean file: drops torn lines and old history
  }

  Iterable<Entry> pending() {
    return pending.values();
  }

  int pendingCount() {
    return pending.size();
  }

  Entry get(String id) {
    Entry e = pending.get(id);
    if (e != null) {
      return e;
    }
    for (Entry f : finished) {
      if (f.id.equals(id)) {
        return f;
      }
    }
    return null;
  }

  /** Pending and finished entries, newest first. */
  List<Entry> newestFirst() {
    List<Entry> all = new ArrayList<>(pending.size() + finished.size());
    all.addAll(pending.values());
    all.addAll(finished);
    all.sort((a, b) -> a.createdAt != b.createdAt ? Long.compare(b.createdAt, a.createdAt) : b.id.compareTo(a.id));
    return all;
  }

  long oldestPendingCreatedAt() {
    return pending.isEmpty() ? Long.MAX_VALUE : pending.values().iterator().next().createdAt; // oldest first
  }

  void add(Entry e) {
    pending.put(e.id, e);
    write(addRecord(e, true));
    unsyncedAdds = true;
  }

  void attempt(Entry e, Attempt a) {
    e.record(a);
    e.nextAttemptAt = a.nextAt;
    ObjectNode n = JSON.createObjectNode().put("t", "attempt").put("id", e.id);
    attemptFields(n, a);
    write(n);
  }

  void finish(Entry e, String state, String reason, long at) {
    e.state = state;
    e.reason = reason == null ? "" : reason;
    e.finishedAt = at;
    e.body = null;
    pending.remove(e.id);
    finished.addFirst(e);
    while (finished.size() > historyLimit) {
      finished.removeLast();
    }
    write(JSON.createObjectNode().put("t", "done").put("id", e.id).put("state", state).put("reason", e.reason)
        .put("at", at));
    if (bytes > COMPACT_BYTES && bytes > 2 * bytesAfterCompact) {
      try {
        compact();
      } catch (IOException ex) {
        throw new UncheckedIOException("cannot compact the notification outbox " + file, ex);
      }
    }
  }

  /**
   * Forces the log to disk when entries were added since the last sync (they must be durable
   * before their first attempt). Attempt and outcome records alone wait for {@link #syncAll}: losing
   * one in a crash only means an entry is sent again, with the same id.
   */
  void sync() {
    if (unsyncedAdds) {
      syncAll();
    }
  }

  /** Forces every written record to disk. */
  void syncAll() {
    if (!unsynced) {
      return;
    }
    try {
      channel.force(false);
      unsynced = false;
      unsyncedAdds = false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot sync the notification outbox " + file, e);
    }
  }

  @Override
  public void close() {
    if (channel != null) {
      try {
        syncAll();
        channel.close();
      } catch (IOException | UncheckedIOException e) {
        LOG.warn("closing the notification outbox failed: {}", e.toString());
      }
      channel = null;
    }
  }

  private void write(ObjectNode n) {
    try {
      byte[] line = (JSON.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8);
      ByteBuffer b = ByteBuffer.wrap(line);
      while (b.hasRemaining()) {
        channel.write(b);
      }
      bytes += line.length;
      unsynced = true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the notification outbox " + file, e);
    }
  }

  private void compact() throws IOException {
    if (channel != null) {
      channel.close();
    }
    Path tmp = file.resolveSibling("outbox.log.tmp");
    long written = 0;
    try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      List<Entry> keep = new ArrayList<>(finished);
      java.util.Collections.reverse(keep);
      keep.addAll(pending.values());
      StringBuilder sb = new StringBuilder();
      for (Entry e : keep) {
        sb.setLength(0);
        sb.append(JSON.writeValueAsString(addRecord(e, false))).append('\n');
        if (!e.state.equals("pending")) {
          sb.append(JSON.writeValueAsString(JSON.createObjectNode().put("t", "done").put("id", e.id)
              .put("state", e.state).put("reason", e.reason).put("at", e.finishedAt))).append('\n');
        }
        ByteBuffer b = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
        written += b.remaining();
        while (b.hasRemaining()) {
          out.write(b);
        }
      }
      out.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    StateFile.syncDirectory(file.getParent());
    channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    bytes = written;
    bytesAfterCompact = written;
    unsynced = false;
    unsyncedAdds = false;
  }

  private ObjectNode addRecord(Entry e, boolean fresh) {
    ObjectNode n = JSON.createObjectNode().put("t", "add").put("id", e.id).put("tenant", e.tenant)
        .put("receiver", e.receiver).put("groupKey", e.groupKey).put("status", e.status)
        .put("createdAt", e.createdAt).put("alerts", e.alertCount);
    ArrayNode f = n.putArray("firing");
    e.firing.forEach(f::add);
    ArrayNode r = n.putArray("resolved");
    e.resolved.forEach(r::add);
    if (e.body != null) {
      n.put("body", e.body);
    }
    if (!fresh) {
      n.put("attemptCount", e.attempts).put("nextAttemptAt", e.nextAttemptAt);
      ArrayNode as = n.putArray("attempts");
      for (Attempt a : e.recent) {
        attemptFields(as.addObject(), a);
      }
    }
    return n;
  }

  private static void attemptFields(ObjectNode n, Attempt a) {
    n.put("at", a.at()).put("ms", a.durationMs()).put("status", a.status()).put("cap", a.backoffCapMs())
        .put("next", a.nextAt());
    if (a.error() != null) {
      n.put("error", a.error());
    }
  }

  private void load() throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    Map<String, Entry> all = new LinkedHashMap<>();
    int bad = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      JsonNode n;
      try {
        n = JSON.readTree(line);
      } catch (IOException e) {
        bad++; // a torn last line after a crash; anything else is counted and skipped
        continue;
      }
      String id = n.path("id").asText();
      switch (n.path("t").asText()) {
        case "add" -> {
          Entry e = new Entry(id, n.path("tenant").asText(), n.path("receiver").asText(),
              n.path("groupKey").asText(), n.path("status").asText(), n.path("createdAt").asLong(),
              strings(n.path("firing")), strings(n.path("resolved")), n.path("alerts").asInt(),
              n.hasNonNull("body") ? n.get("body").asText() : null);
          for (JsonNode a : n.path("attempts")) {
            e.record(attempt(a));
          }
          e.attempts = Math.max(e.attempts, n.path("attemptCount").asInt(0));
          e.nextAttemptAt = n.path("nextAttemptAt").asLong(e.createdAt);
          all.put(id, e);
        }
        case "attempt" -> {
          Entry e = all.get(id);
          if (e != null) {
            Attempt a = attempt(n);
            e.record(a);
            e.nextAttemptAt = a.nextAt();
          }
        }
        case "done" -> {
          Entry e = all.get(id);
          if (e != null) {
            e.state = n.path("state").asText();
            e.reason = n.path("reason").asText();
            e.finishedAt = n.path("at").asLong();
            e.body = null;
          }
        }
        default -> bad++;
      }
    }
    if (bad > 0) {
      LOG.warn("notification outbox {}: skipped {} unreadable records", file, bad);
    }
    for (Iterator<Entry> it = all.values().iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (e.state.equals("pending")) {
        if (e.body == null) {
          continue; // cannot resend without the exact body; should not happen
        }
        pending.put(e.id, e);
      } else {
        finished.addFirst(e);
      }
    }
    while (finished.size() > historyLimit) {
      finished.removeLast();
    }
    LOG.info("notification outbox loaded: {} pending, {} finished", pending.size(), finished.size());
  }

  private static Attempt attempt(JsonNode n) {
    return new Attempt(n.path("at").asLong(), n.path("ms").asLong(), n.path("status").asInt(),
        n.hasNonNull("error") ? n.get("error").asText() : null, n.path("cap").asLong(), n.path("next").asLong());
  }

  private static List<String> strings(JsonNode arr) {
    List<String> out = new ArrayList<>();
    arr.forEach(x -> out.add(x.asText()));
    return out;
  }
}
