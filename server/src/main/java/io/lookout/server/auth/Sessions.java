package io.lookout.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Browser sessions after an OIDC login. Ids are 256 random bits; at most {@link #MAX_SESSIONS}
 * live at once, expired ones are dropped on the way.
 *
 * <p>With a file, sessions survive a restart: every login and logout is appended to it as a JSON
 * line, replayed at start (expired sessions dropped) and the file rewritten compact. The file
 * holds the SHA-256 of each id, never the id itself, so reading it gives no usable cookie; it is
 * created readable by its owner only. Appends run on a thread of their own, in order, so the
 * request threads (event loops) never wait on the disk; they are not fsynced: a crash can forget
 * the last logins, whose users then log in again.
 */
public final class Sessions implements AutoCloseable {
  public static final String COOKIE = "lookout_session";
  static final int MAX_SESSIONS = 100_000;
  private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Session(Principal principal, long expiresAtMillis) {}

  private final SecureRandom random = new SecureRandom();
  /** By the hex SHA-256 of the session id. */
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Duration ttl;
  private final Clock clock;
  private final Path file;
  /** The one thread that writes the file; null without a file. */
  private final ExecutorService writer;
  private BufferedWriter log; // touched by the writer thread only, after load()

  /** Sessions in memory only: a restart asks users to log in again. */
  public Sessions(Duration ttl, Clock clock) {
    this.ttl = ttl;
    this.clock = clock;
    this.file = null;
    this.writer = null;
  }

  /**
   * Sessions kept in {@code file} across restarts (created with its directory when missing).
   *
   * @throws UncheckedIOException when the file cannot be read or written
   */
  public Sessions(Duration ttl, Clock clock, Path file) {
    this.ttl = ttl;
    this.clock = clock;
    this.file = file;
    this.writer = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "lookout-sessions");
      t.setDaemon(true);
      return t;
    });
    try {
      load();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write the session file " + file, e);
    }
  }

  public Duration ttl() {
    return ttl;
  }

  /** A new session for {@code p}; returns its id (the cookie value). */
  public String create(Principal p) {
    long now = clock.millis();
    if (sessions.size() >= MAX_SESSIONS) {
      sessions.values().removeIf(s -> s.expiresAtMillis() <= now);
      if (sessions.size() >= MAX_SESSIONS) { // drop an arbitrary one rather than grow without bound
        Iterator<String> it = sessions.keySet().iterator();
        if (it.hasNext()) {
          remove(it.next(), true);
        }
      }
    }
    byte[] id = new byte[32];
    random.nextBytes(id);
    String cookie = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    String key = key(cookie);
    Session s = new Session(new Principal(p.subject(), p.tenant(), p.roles(), "session"), now + ttl.toMillis());
    sessions.put(key, s);
    append(put(key, s));
    return cookie;
  }

  /** The principal of a live session, or null. */
  public Principal get(String id) {
    if (id == null) {
      return null;
    }
    String key = key(id);
    Session s = sessions.get(key);
    if (s == null) {
      return null;
    }
    if (s.expiresAtMillis() <= clock.millis()) {
      remove(key, true);
      return null;
    }
    return s.principal();
  }

  public void remove(String id) {
    if (id != null) {
      remove(key(id), true);
    }
  }

  public int size() {
    return sessions.size();
  }

  /** Writes what is queued, then closes the file. */
  @Override
  public void close() {
    if (writer == null) {
      return;
    }
    writer.execute(() -> {
      if (log != null) {
        try {
          log.close();
        } catch (IOException e) {
          LOG.warn("cannot close the session file {}: {}", file, e.toString());
        }
        log = null;
      }
    });
    writer.shutdown();
    try {
      if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("session file {}: writes still pending at shutdown", file);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void remove(String key, boolean logged) {
    if (sessions.remove(key) != null && logged) {
      ObjectNode n = JSON.createObjectNode().put("op", "del").put("key", key);
      append(n);
    }
  }

  private static String key(String id) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private static ObjectNode put(String key, Session s) {
    ObjectNode n = JSON.createObjectNode().put("op", "put").put("key", key)
        .put("sub", s.principal().subject()).put("tenant", s.principal().tenant()).put("exp", s.expiresAtMillis());
    var roles = n.putArray("roles");
    s.principal().roles().stream().map(Role::name).sorted().forEach(roles::add);
    return n;
  }

  private void append(ObjectNode line) {
    if (writer == null) {
      return;
    }
    try {
      writer.execute(() -> {
        if (log == null) {
          return;
        }
        try {
          log.write(JSON.writeValueAsString(line));
          log.newLine();
          log.flush();
        } catch (IOException e) {
          // the session works in memory; it will not survive a restart
          LOG.warn("cannot append to the session file {}: {}", file, e.toString());
        }
      });
    } catch (RejectedExecutionException e) {
      LOG.debug("session file {} closed: not recording a change", file);
    }
  }

  /** Replays the file, keeps the live sessions, rewrites it compact and opens it for appending. */
  private void load() throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    long now = clock.millis();
    int bad = 0;
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        try {
          JsonNode n = JSON.readTree(line);
          String key = n.path("key").asText();
          if ("del".equals(n.path("op").asText())) {
            sessions.remove(key);
          } else if ("put".equals(n.path("op").asText()) && key.length() == 64) {
            Set<Role> roles = java.util.EnumSet.noneOf(Role.class);
            n.path("roles").forEach(r -> roles.add(Role.valueOf(r.asText())));
            sessions.put(key, new Session(new Principal(n.path("sub").asText(), n.path("tenant").asText(), roles,
                "session"), n.path("exp").asLong()));
          } else {
            bad++;
          }
        } catch (IOException | IllegalArgumentException e) { // a torn last line after a crash, or garbage
          bad++;
        }
      }
    }
    sessions.values().removeIf(s -> s.expiresAtMillis() <= now);
    List<String> lines = new ArrayList<>(sessions.size());
    for (Map.Entry<String, Session> e : sessions.entrySet()) {
      lines.add(JSON.writeValueAsString(put(e.getKey(), e.getValue())));
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(tmp); // not a POSIX file system
    }
    Files.write(tmp, lines, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    log = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    if (bad > 0) {
      LOG.warn("session file {}: skipped {} unreadable lines", file, bad);
    }
    LOG.info("sessions: {} live from {}", sessions.size(), file);
  }
}
