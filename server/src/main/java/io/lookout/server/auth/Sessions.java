package io.lookout.server.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sessions after an OIDC login, in memory (a restart asks users to log in again). Ids are
 * 256 random bits; at most {@link #MAX_SESSIONS} live at once, expired ones are dropped on the way.
 */
public final class Sessions {
  public static final String COOKIE = "lookout_session";
  static final int MAX_SESSIONS = 100_000;

  private record Session(Principal principal, long expiresAtMillis) {}

  private final SecureRandom random = new SecureRandom();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Duration ttl;
  private final Clock clock;

  public Sessions(Duration ttl, Clock clock) {
    this.ttl = ttl;
    this.clock = clock;
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
          sessions.remove(it.next());
        }
      }
    }
    byte[] id = new byte[32];
    random.nextBytes(id);
    String key = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    sessions.put(key, new Session(new Principal(p.subject(), p.tenant(), p.roles(), "session"), now + ttl.toMillis()));
    return key;
  }

  /** The principal of a live session, or null. */
  public Principal get(String id) {
    Session s = id == null ? null : sessions.get(id);
    if (s == null) {
      return null;
    }
    if (s.expiresAtMillis() <= clock.millis()) {
      sessions.remove(id);
      return null;
    }
    return s.principal();
  }

  public void remove(String id) {
    if (id != null) {
      sessions.remove(id);
    }
  }

  public int size() {
    return sessions.size();
  }
}
