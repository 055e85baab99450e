package io.lookout.alerting.notify;

import io.lookout.alerting.Alert;
import io.lookout.alerting.notify.NotifyConfig.Receiver;
import io.lookout.alerting.notify.NotifyConfig.Route;
import io.lookout.alerting.notify.StateFile.Ack;
import io.lookout.alerting.notify.StateFile.NflogEntry;
import io.lookout.alerting.notify.StateFile.Silence;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Alert bookkeeping as Alertmanager does it: the alert set per tenant, routing into aggregation
 * groups (tenant + route + group labels), group timers, silences, acknowledgements and the
 * notification log that decides whether a group needs a notification. New notifications go to the
 * {@link Outbox}. Confined to the notifier's state thread; times are epoch milliseconds.
 */
final class NotifyEngine {
  /** Notification-log entries and expired silences are forgotten after this long. */
  static final long RETENTION_MS = Duration.ofDays(5).toMillis();
  /** The pseudo-label route matchers can use to route by tenant. */
  static final String TENANT_LABEL = "tenant";

  /** The latest version of an alert and when the rule engine last sent it. */
  private static final class Stored {
    Alert alert;
    long updatedAt;

    Stored(Alert alert, long updatedAt) {
      this.alert = alert;
      this.updatedAt = updatedAt;
    }
  }

  /** An aggregation group. */
  static final class Group {
    final String tenant;
    final Route route;
    final Map<String, String> groupLabels;
    final String groupKey;
    final Map<String, Alert> alerts = new LinkedHashMap<>();
    long nextFlushAt;

    Group(String tenant, Route route, Map<String, String> groupLabels, long nextFlushAt) {
      this.tenant = tenant;
      this.route = route;
      this.groupLabels = groupLabels;
      this.groupKey = route.key() + ":" + Payloads.labelString(groupLabels);
      this.nextFlushAt = nextFlushAt;
    }

    String id() {
      return tenant + '\u0000' + groupKey;
    }
  }

  private static final Comparator<Alert> BY_START =
      Comparator.comparing(Alert::startsAt).thenComparing(a -> a.fingerprint());

  private final StateFile state;
  private final Outbox outbox;
  private final long resolveTimeoutMs;
  private final String externalUrl;
  private final Map<String, Map<String, Stored>> store = new HashMap<>();
  private Map<String, Group> groups = new LinkedHashMap<>();
  private NotifyConfig config = NotifyConfig.empty();
  private boolean stateDirty;

  NotifyEngine(StateFile state, Outbox outbox, Duration resolveTimeout, String externalUrl) {
    this.state = state;
    this.outbox = outbox;
    this.resolveTimeoutMs = resolveTimeout.toMillis();
    this.externalUrl = externalUrl;
    // an outbox entry written just before a crash may be newer than the saved notification log
    for (Outbox.Entry e : outbox.newestFirst()) {
      String k = StateFile.nflogKey(e.tenant, e.groupKey, e.receiver);
      NflogEntry cur = state.nflog.get(k);
      if (cur == null || cur.at() < e.createdAt) {
        state.nflog.put(k, new NflogEntry(new HashSet<>(e.firing), new HashSet<>(e.resolved), e.createdAt));
        stateDirty = true;
      }
    }
  }

  NotifyConfig config() {
    return config;
  }

  StateFile state() {
    return state;
  }

  int groupCount() {
    return groups.size();
  }

  boolean takeStateDirty() {
    boolean d = stateDirty;
    stateDirty = false;
    return d;
  }

  void markDirty() {
    stateDirty = true;
  }

  /** Applies the rule engine's alerts. */
  void ingest(String tenant, List<Alert> alerts, long now) {
    Map<String, Stored> ts = store.computeIfAbsent(tenant, t -> new HashMap<>());
    for (Alert a : alerts) {
      if (!a.tenant().equals(tenant)) {
        a = new Alert(tenant, a.labels(), a.annotations(), a.startsAt(), a.endsAt(), a.generatorUrl());
      }
      String fp = a.fingerprint();
      Stored prev = ts.get(fp);
      boolean changed;
      if (prev == null) {
        changed = true;
        ts.put(fp, new Stored(a, now));
      } else {
        Alert old = prev.alert;
        if (a.resolved() && !old.resolved() && a.endsAt().isBefore(old.startsAt())) {
          continue; // a late "resolved" of an earlier incident
        }
        changed = a.resolved() != old.resolved() || !a.startsAt().equals(old.startsAt());
        if (!a.resolved() && !old.resolved() && old.startsAt().isBefore(a.startsAt())) {
          a = new Alert(tenant, a.labels(), a.annotations(), old.startsAt(), null, a.generatorUrl());
          changed = false;
        }
        if (a.resolved() && old.resolved()) {
          a = old; // keep the first resolution time
        }
        prev.alert = a;
        prev.updatedAt = now;
      }
      if (a.resolved()) {
        dropAck(tenant, fp);
      }
      route(a, fp, changed, now);
    }
  }

  /** Replaces receivers and routes; rebuilds the groups, keeping the timers of groups that stay. */
  void configure(NotifyConfig next, long now) {
    this.config = next;
    Map<String, Group> old = groups;
    groups = new LinkedHashMap<>();
    for (Map<String, Stored> ts : store.values()) {
      for (Map.Entry<String, Stored> e : ts.entrySet()) {
        Alert a = e.getValue().alert;
        for (Group g : groupsFor(a, now)) {
          Group prev = old.get(g.id());
          if (groups.putIfAbsent(g.id(), g) == null && prev != null) {
            g.nextFlushAt = prev.nextFlushAt; // same tenant, route id and group labels: same timer
          }
          if (!a.resolved() || (prev != null && prev.alerts.containsKey(e.getKey()))) {
            g.alerts.put(e.getKey(), a);
          }
        }
      }
    }
    groups.values().removeIf(g -> g.alerts.isEmpty());
  }

  /** Resolves stale alerts, flushes groups that are due and forgets old state. */
  void tick(long now) {
    for (Map.Entry<String, Map<String, Stored>> t : store.entrySet()) {
      for (Iterator<Map.Entry<String, Stored>> it = t.getValue().entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, Stored> e = it.next();
        Stored s = e.getValue();
        if (!s.alert.resolved() && now - s.updatedAt >= resolveTimeoutMs) {
          Alert a = s.alert;
          s.alert = new Alert(a.tenant(), a.labels(), a.annotations(), a.startsAt(),
              Instant.ofEpochMilli(s.updatedAt + resolveTimeoutMs), a.generatorUrl());
          dropAck(t.getKey(), e.getKey());
          route(s.alert, e.getKey(), true, now);
        } else if (s.alert.resolved() && now - s.updatedAt >= Math.max(resolveTimeoutMs, 3_600_000L)) {
          it.remove();
        }
      }
    }
    flushDue(now);
    if (state.nflog.values().removeIf(e -> now - e.at() > RETENTION_MS)
        | state.silences.values().removeIf(s -> now - s.endsAt() > RETENTION_MS)) {
      stateDirty = true;
    }
  }

  /** Flushes the groups whose wait or interval has passed. */
  void flushDue(long now) {
    List<Group> due = new ArrayList<>();
    for (Group g : groups.values()) {
      if (g.nextFlushAt <= now) {
        due.add(g);
      }
    }
    for (Group g : due) {
      flush(g, now);
    }
  }

  private void route(Alert a, String fp, boolean changed, long now) {
    for (Group g : groupsFor(a, now)) {
      Group existing = groups.get(g.id());
      if (existing == null) {
        if (a.resolved() && !changed) {
          continue; // a resolved alert that was already handled
        }
        groups.put(g.id(), g);
        existing = g;
      }
      existing.alerts.put(fp, a);
    }
  }

  private List<Group> groupsFor(Alert a, long now) {
    Route root = config.route();
    if (root == null) {
      return List.of();
    }
    List<Group> out = new ArrayList<>();
    for (Route r : root.match(routingLabels(a))) {
      Map<String, String> gl = new TreeMap<>();
      if (r.groupByAll()) {
        gl.putAll(a.labels());
      } else {
        for (String l : r.groupBy()) {
          String v = a.labels().get(l);
          if (v != null) {
            gl.put(l, v);
          }
        }
      }
      Group g = new Group(a.tenant(), r, gl, now + r.groupWait().toMillis());
      Group existing = groups.get(g.id());
      out.add(existing != null ? existing : g);
    }
    return out;
  }

  /**
   * What route matchers see: the alert's labels plus {@value #TENANT_LABEL}, its tenant. The tenant
   * replaces an alert label of that name, so that a tenant's rules cannot steer their alerts into
   * the routes written for another tenant.
   */
  static Map<String, String> routingLabels(Alert a) {
    Map<String, String> labels = new java.util.HashMap<>(a.labels());
    labels.put(TENANT_LABEL, a.tenant());
    return labels;
  }

  private void flush(Group g, long now) {
    g.nextFlushAt = now + g.route.groupInterval().toMillis();
    Receiver receiver = config.receivers().get(g.route.receiver());
    List<Alert> firing = new ArrayList<>();
    List<Alert> resolved = new ArrayList<>();
    for (Alert a : g.alerts.values()) {
      if (muted(g.tenant, a.labels(), now)) {
        continue;
      }
      (a.resolved() ? resolved : firing).add(a);
    }
    Set<String> firingFps = fingerprints(firing);
    String nk = StateFile.nflogKey(g.tenant, g.groupKey, g.route.receiver());
    NflogEntry entry = state.nflog.get(nk);
    // only resolutions of alerts the receiver was told about are news to it
    resolved.removeIf(a -> entry == null || !entry.firing().contains(a.fingerprint()));
    boolean unackedFiring = firing.stream().anyMatch(a -> !acked(g.tenant, a));
    boolean needed;
    if (entry == null) {
      needed = !firing.isEmpty();
    } else {
      needed = !entry.firing().containsAll(firingFps) || !resolved.isEmpty()
          || (unackedFiring && now - entry.at() >= g.route.repeatInterval().toMillis());
    }
    if (needed) {
      state.nflog.put(nk, new NflogEntry(firingFps, fingerprints(resolved), now));
      stateDirty = true;
      List<Alert> send = new ArrayList<>(firing);
      send.sort(BY_START);
      if (receiver != null && receiver.webhook() != null) {
        if (receiver.webhook().sendResolved()) {
          resolved.sort(BY_START);
          send.addAll(resolved);
        }
        if (!send.isEmpty()) {
          String body = Payloads.webhookV4(receiver.name(), g.groupKey, g.groupLabels, send, externalUrl,
              receiver.webhook().maxAlerts());
          outbox.add(new Outbox.Entry(UUID.randomUUID().toString(), g.tenant, receiver.name(), g.groupKey,
              firing.isEmpty() ? "resolved" : "firing", now, List.copyOf(firingFps),
              List.copyOf(fingerprints(resolved)), send.size(), body));
        }
      }
    }
    // resolved alerts leave the group once flushed; an empty group ends (a new one waits again)
    g.alerts.values().removeIf(Alert::resolved);
    if (g.alerts.isEmpty()) {
      groups.remove(g.id());
    }
  }

  private static Set<String> fingerprints(List<Alert> alerts) {
    Set<String> s = new HashSet<>();
    alerts.forEach(a -> s.add(a.fingerprint()));
    return s;
  }

  boolean muted(String tenant, Map<String, String> labels, long now) {
    for (Silence s : state.silences.values()) {
      if (s.tenant().equals(tenant) && s.mutes(labels, now)) {
        return true;
      }
    }
    return false;
  }

  private boolean acked(String tenant, Alert a) {
    Ack ack = state.acks.get(StateFile.key(tenant, a.fingerprint()));
    return ack != null && ack.alertStartsAt() == a.startsAt().toEpochMilli();
  }

  private void dropAck(String tenant, String fp) {
    if (state.acks.remove(StateFile.key(tenant, fp)) != null) {
      stateDirty = true;
    }
  }

  /** Firing alerts of a tenant, for acknowledgements. */
  List<Alert> firing(String tenant) {
    Map<String, Stored> ts = store.getOrDefault(tenant, Map.of());
    List<Alert> out = new ArrayList<>();
    for (Stored s : ts.values()) {
      if (!s.alert.resolved()) {
        out.add(s.alert);
      }
    }
    return out;
  }

  /** Test hook: the groups currently held. */
  Map<String, Group> groups() {
    return groups;
  }
}
