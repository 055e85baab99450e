package io.lookout.alerting.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lookout.alerting.Alert;
import io.lookout.alerting.rules.AlertState;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alert state transitions, appended as JSON lines to {@code history.jsonl}; bounded: when the
 * file holds {@code maxEntries} lines it becomes {@code history.1.jsonl} (replacing the previous
 * one), so at most two files exist. The newest {@code maxEntries} are also kept in memory for
 * queries. Appends are flushed, not fsynced: a crash may lose the last few entries.
 */
final class History implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(History.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One transition. */
  record Entry(Instant at, String tenant, String group, String rule, Map<String, String> labels, String from,
      String to, double value, Instant activeAt) {
    String fingerprint() {
      return Alert.fingerprint(tenant, labels);
    }
  }

  private final Path file;
  private final Path previous;
  private final int maxEntries;
  private final ArrayDeque<Entry> recent = new ArrayDeque<>();
  private BufferedWriter writer;
  private int linesInFile;

  History(Path dir, int maxEntries) throws IOException {
    Files.createDirectories(dir);
    this.file = dir.resolve("history.jsonl");
    this.previous = dir.resolve("history.1.jsonl");
    this.maxEntries = maxEntries;
    for (Path p : List.of(previous, file)) {
      if (Files.exists(p)) {
        for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
          Entry e = parse(line);
          if (e != null) {
            remember(e);
            if (p.equals(file)) {
              linesInFile++;
            }
          }
        }
      }
    }
    writer = open();
  }

  private BufferedWriter open() throws IOException {
    return Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  synchronized void append(List<Entry> entries) {
    for (Entry e : entries) {
      remember(e);
      try {
        if (linesInFile >= maxEntries) {
          writer.close();
          Files.move(file, previous, StandardCopyOption.REPLACE_EXISTING);
          writer = open();
          linesInFile = 0;
        }
        writer.write(render(e));
        writer.newLine();
        linesInFile++;
      } catch (IOException ex) {
        LOG.warn("cannot append to the alert history: {}", ex.toString());
      }
    }
    try {
      writer.flush();
    } catch (IOException ex) {
      LOG.warn("cannot flush the alert history: {}", ex.toString());
    }
  }

  private void remember(Entry e) {
    recent.addLast(e);
    while (recent.size() > maxEntries) {
      recent.removeFirst();
    }
  }

  /** Newest first, filtered; null filters match everything. */
  synchronized List<Entry> query(String tenant, String alertname, String state, Instant start, Instant end, int limit) {
    List<Entry> out = new ArrayList<>();
    for (Iterator<Entry> it = recent.descendingIterator(); it.hasNext() && out.size() < limit; ) {
      Entry e = it.next();
      if (!e.tenant().equals(tenant) || (alertname != null && !alertname.equals(e.labels().get("alertname")))
          || (state != null && !state.equals(e.to())) || (start != null && e.at().isBefore(start))
          || (end != null && e.at().isAfter(end))) {
        continue;
      }
      out.add(e);
    }
    return out;
  }

  static Entry entry(Instant at, String tenant, String group, String rule, Map<String, String> labels,
      AlertState from, AlertState to, double value, Instant activeAt) {
    return new Entry(at, tenant, group, rule, labels, from.key(), to.key(), value, activeAt);
  }

  private static String render(Entry e) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("at", e.at().toString());
    n.put("tenant", e.tenant());
    n.put("group", e.group());
    n.put("rule", e.rule());
    n.set("labels", JSON.valueToTree(e.labels()));
    n.put("from", e.from());
    n.put("to", e.to());
    if (!Double.isNaN(e.value()) && !Double.isInfinite(e.value())) {
      n.put("value", e.value());
    }
    n.put("activeAt", e.activeAt().toString());
    return JSON.writeValueAsString(n);
  }

  private static Entry parse(String line) {
    try {
      JsonNode n = JSON.readTree(line);
      Map<String, String> labels = new LinkedHashMap<>();
      n.path("labels").fields().forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
      return new Entry(Instant.parse(n.get("at").asText()), n.get("tenant").asText(), n.get("group").asText(),
          n.get("rule").asText(), labels, n.get("from").asText(), n.get("to").asText(),
          n.path("value").isNumber() ? n.get("value").asDouble() : Double.NaN, Instant.parse(n.get("activeAt").asText()));
    } catch (IOException | RuntimeException e) {
      return null; // a torn last line after a crash
    }
  }

  @Override
  public synchronized void close() {
    try {
      writer.close();
    } catch (IOException e) {
      LOG.warn("cannot close the alert history: {}", e.toString());
    }
  }
}
