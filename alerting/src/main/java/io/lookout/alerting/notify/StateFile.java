package io.lookout.alerting.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The small persistent state beside the outbox: the notification log (per group and receiver, the
 * fingerprints last notified as firing and resolved), silences and acknowledgements. Written whole
 * and atomically (temporary file, fsync, rename, fsync of the directory).
 */
final class StateFile {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What was last notified for one group to one receiver. */
  record NflogEntry(Set<String> firing, Set<String> resolved, long at) {
    NflogEntry {
      firing = Set.copyOf(firing);
      resolved = Set.copyOf(resolved);
    }
  }

  record Silence(String id, String tenant, List<AlertMatcher> matchers, long startsAt, long endsAt,
      String createdBy, String comment, long updatedAt) {

    String state(long now) {
      return now < startsAt ? "pending" : now < endsAt ? "active" : "expired";
    }

    boolean mutes(Map<String, String> labels, long now) {
      return now >= startsAt && now < endsAt && AlertMatcher.all(matchers, labels);
    }
  }

  /** An acknowledged alert: {@code alertStartsAt} ties the ack to one incident of the alert. */
  record Ack(String tenant, String fingerprint, long alertStartsAt, Map<String, String> labels, String createdBy,
      String comment, long createdAt) {}

  /** Keys of the notification log: tenant, group key, receiver. */
  static String nflogKey(String tenant, String groupKey, String receiver) {
    return tenant + '\u0000' + groupKey + '\u0000' + receiver;
  }

  final Map<String, NflogEntry> nflog = new LinkedHashMap<>();
  final Map<String, Silence> silences = new LinkedHashMap<>(); // by tenant + id
  final Map<String, Ack> acks = new LinkedHashMap<>(); // by tenant + fingerprint

  private final Path file;

  StateFile(Path dir) throws IOException {
    Files.createDirectories(dir);
    this.file = dir.resolve("state.json");
    if (Files.exists(file)) {
      load(JSON.readTree(file.toFile()));
    }
  }

  static String key(String tenant, String id) {
    return tenant + '\u0000' + id;
  }

  void save() throws IOException {
    ObjectNode root = JSON.createObjectNode().put("version", 1);
    ArrayNode nf = root.putArray("nflog");
    for (Map.Entry<String, NflogEntry> e : nflog.entrySet()) {
      String[] k = e.getKey().split("\u0000", 3);
      ObjectNode n = nf.addObject().put("tenant", k[0]).put("groupKey", k[1]).put("receiver", k[2])
          .put("at", e.getValue().at());
      e.getValue().firing().stream().sorted().forEach(n.putArray("firing")::add);
      e.getValue().resolved().stream().sorted().forEach(n.putArray("resolved")::add);
    }
    ArrayNode ss = root.putArray("silences");
    for (Silence s : silences.values()) {
      ObjectNode n = ss.addObject().put("id", s.id()).put("tenant", s.tenant()).put("startsAt", s.startsAt())
          .put("endsAt", s.endsAt()).put("createdBy", s.createdBy()).put("comment", s.comment())
          .put("updatedAt", s.updatedAt());
      ArrayNode ms = n.putArray("matchers");
      s.matchers().forEach(m -> ms.add(m.toString()));
    }
    ArrayNode as = root.putArray("acks");
    for (Ack a : acks.values()) {
      ObjectNode n = as.addObject().put("tenant", a.tenant()).put("fingerprint", a.fingerprint())
          .put("alertStartsAt", a.alertStartsAt()).put("createdBy", a.createdBy()).put("comment", a.comment())
          .put("createdAt", a.createdAt());
      ObjectNode l = n.putObject("labels");
      new TreeMap<>(a.labels()).forEach(l::put);
    }
    Path tmp = file.resolveSibling("state.json.tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(root)));
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory(file.getParent());
  }

  private void load(JsonNode root) {
    for (JsonNode n : root.path("nflog")) {
      nflog.put(nflogKey(n.path("tenant").asText(), n.path("groupKey").asText(), n.path("receiver").asText()),
          new NflogEntry(strings(n.path("firing")), strings(n.path("resolved")), n.path("at").asLong()));
    }
    for (JsonNode n : root.path("silences")) {
      List<AlertMatcher> ms = new ArrayList<>();
      for (JsonNode m : n.path("matchers")) {
        ms.addAll(AlertMatcher.parse(m.asText()));
      }
      Silence s = new Silence(n.path("id").asText(), n.path("tenant").asText(), List.copyOf(ms),
          n.path("startsAt").asLong(), n.path("endsAt").asLong(), n.path("createdBy").asText(),
          n.path("comment").asText(), n.path("updatedAt").asLong());
      silences.put(key(s.tenant(), s.id()), s);
    }
    for (JsonNode n : root.path("acks")) {
      Map<String, String> labels = new TreeMap<>();
      n.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
      Ack a = new Ack(n.path("tenant").asText(), n.path("fingerprint").asText(), n.path("alertStartsAt").asLong(),
          labels, n.path("createdBy").asText(), n.path("comment").asText(), n.path("createdAt").asLong());
      acks.put(key(a.tenant(), a.fingerprint()), a);
    }
  }

  private static Set<String> strings(JsonNode arr) {
    Set<String> out = new LinkedHashSet<>();
    arr.forEach(x -> out.add(x.asText()));
    return out;
  }

  /** Makes a rename in {@code dir} durable (Linux: fsync of the directory). */
  static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // some platforms cannot open directories; the rename is still atomic
    }
  }
}
