package io.lookout.alerting.notify;

import static io.lookout.alerting.notify.NotifyApiSupport.handle;
import static io.lookout.alerting.notify.NotifyApiSupport.iso;
import static io.lookout.alerting.notify.NotifyApiSupport.jsonBody;
import static io.lookout.alerting.notify.NotifyApiSupport.matchers;
import static io.lookout.alerting.notify.NotifyApiSupport.string;
import static io.lookout.alerting.notify.NotifyApiSupport.tenant;
import static io.lookout.alerting.notify.NotifyApiSupport.time;

import io.lookout.alerting.Alert;
import io.lookout.alerting.notify.StateFile.Ack;
import io.lookout.alerting.notify.StateFile.Silence;
import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.TimeParser;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** HTTP API for silences, acknowledgements and the notification history; one tenant per request. */
final class NotifyApi {
  private static final Logger LOG = LoggerFactory.getLogger(NotifyApi.class);
  static final String BASE = "/api/v1/alerting";
  private static final long MAX_BODY = 64 * 1024;
  private static final Set<String> NOTIFICATION_STATES = Set.of("pending", "delivered", "failed");

  private final Notifier notifier;
  private final Clock clock;

  NotifyApi(Notifier notifier, Clock clock) {
    this.notifier = notifier;
    this.clock = clock;
  }

  void mount(Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY);
    router.post(BASE + "/silences").handler(body).handler(this::createSilence);
    router.get(BASE + "/silences").handler(this::listSilences);
    router.delete(BASE + "/silences/:id").handler(this::expireSilence);
    router.post(BASE + "/acks").handler(body).handler(this::createAck);
    router.get(BASE + "/acks").handler(this::listAcks);
    router.delete(BASE + "/acks/:fingerprint").handler(this::deleteAck);
    router.get(BASE + "/notifications").handler(this::listNotifications);
  }

  // ---- silences

  private void createSilence(RoutingContext ctx) {
    handle(ctx, () -> {
      String tenant = tenant(ctx);
      JsonObject in = jsonBody(ctx);
      List<AlertMatcher> matchers = matchers(in.getValue("matchers"));
      if (matchers.stream().allMatch(m -> m.matches(Map.of()))) {
        throw LookoutException.badData("silence matchers match every alert: at least one matcher must not match"
            + " the empty string, such as alertname=\"X\"");
      }
      long now = clock.millis();
      long startsAt = in.getValue("startsAt") == null ? now : time(in, "startsAt", now);
      long endsAt;
      if (in.getValue("endsAt") != null) {
        endsAt = time(in, "endsAt", now);
      } else if (in.getValue("duration") != null) {
        endsAt = startsAt + TimeParser.parseDuration("duration", string(in, "duration")) / 1_000_000;
      } else {
        throw LookoutException.badData("a silence needs endsAt (a time) or duration (such as 2h)");
      }
      if (endsAt <= startsAt || endsAt <= now) {
        throw LookoutException.badData("silence endsAt must be after startsAt and in the future");
      }
      String createdBy = string(in, "createdBy");
      if (createdBy == null || createdBy.isBlank()) {
        throw LookoutException.badData("a silence needs createdBy (who created it)");
      }
      String comment = string(in, "comment");
      String id = string(in, "id");
      return notifier.call(() -> {
        Map<String, Silence> all = notifier.engine().state().silences;
        String sid = id;
        if (sid != null && !sid.isBlank()) {
          Silence old = all.get(StateFile.key(tenant, sid));
          if (old == null) {
            throw new LookoutException(ErrorCode.NOT_FOUND, "no silence with id '" + sid + "' in this tenant:"
                + " omit id to create a new silence");
          }
          if (old.state(now).equals("expired")) {
            throw LookoutException.badData("silence '" + sid + "' has expired and cannot be changed:"
                + " omit id to create a new silence");
          }
        } else {
          sid = UUID.randomUUID().toString();
        }
        all.put(StateFile.key(tenant, sid), new Silence(sid, tenant, List.copyOf(matchers), startsAt, endsAt,
            createdBy, comment == null ? "" : comment, now));
        notifier.engine().markDirty();
        LOG.info("silence {} saved for tenant {}", sid, tenant);
        return Map.of("silenceID", sid);
      });
    });
  }

  private void listSilences(RoutingContext ctx) {
    handle(ctx, () -> {
      String tenant = tenant(ctx);
      String stateFilter = ctx.queryParams().get("state");
      if (stateFilter != null && !Set.of("active", "pending", "expired").contains(stateFilter)) {
        throw LookoutException.badData("invalid state '" + stateFilter + "': allowed are active, pending, expired");
      }
      return notifier.call(() -> {
        long now = clock.millis();
        List<Silence> list = new ArrayList<>();
        for (Silence s : notifier.engine().state().silences.values()) {
          if (s.tenant().equals(tenant) && (stateFilter == null || s.state(now).equals(stateFilter))) {
            list.add(s);
          }
        }
        list.sort(Comparator.comparingLong(Silence::updatedAt).reversed());
        List<Object> out = new ArrayList<>();
        for (Silence s : list) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("id", s.id());
          m.put("matchers", s.matchers().stream().map(AlertMatcher::toString).toList());
          m.put("startsAt", iso(s.startsAt()));
          m.put("endsAt", iso(s.endsAt()));
          m.put("createdBy", s.createdBy());
          m.put("comment", s.comment());
          m.put("updatedAt", iso(s.updatedAt()));
          m.put("status", Map.of("state", s.state(now)));
          out.add(m);
        }
        return out;
      });
    });
  }

  private void expireSilence(RoutingContext ctx) {
    handle(ctx, () -> {
      String tenant = tenant(ctx);
      String id = ctx.pathParam("id");
      return notifier.call(() -> {
        long now = clock.millis();
        Map<String, Silence> all = notifier.engine().state().silences;
        Silence s = all.get(StateFile.key(tenant, id));
        if (s == null) {
          throw new LookoutException(ErrorCode.NOT_FOUND, "no silence with id '" + id + "' in this tenant");
        }
        if (!s.state(now).equals("expired")) {
          all.put(StateFile.key(tenant, id), new Silence(s.id(), tenant, s.matchers(), Math.min(s.startsAt(), now),
              now, s.createdBy(), s.comment(), now));
          notifier.engine().markDirty();
          LOG.info("silence {} expired for tenant {}", id, tenant);
        }
        return Map.of("silenceID", id);
      });
    });
  }

  // ---- acknowledgements

  private void createAck(RoutingContext ctx) {
    handle(ctx, () -> {
      String tenant = tenant(ctx);
      JsonObject in = jsonBody(ctx);
      String fingerprint = string(in, "fingerprint");
      List<AlertMatcher> matchers = in.getValue("matchers") == null ? null : matchers(in.getValue("matchers"));
      if ((fingerprint == null) == (matchers == null)) {
        throw LookoutException.badData("an acknowledgement needs exactly one of fingerprint (an alert's"
            + " fingerprint) or matchers (such as [\"alertname=\\\"X\\\"\"])");
      }
      String createdBy = string(in, "createdBy");
      String comment = string(in, "comment");
      return notifier.call(() -> {
        long now = clock.millis();
        List<Object> out = new ArrayList<>();
        for (Alert a : notifier.engine().firing(tenant)) {
          if (fingerprint != null ? a.fingerprint().equals(fingerprint) : AlertMatcher.all(matchers, a.labels())) {
            Ack ack = new Ack(tenant, a.fingerprint(), a.startsAt().toEpochMilli(), a.labels(),
                createdBy == null ? "" : createdBy, comment == null ? "" : comment, now);
            notifier.engine().state().acks.put(StateFile.key(tenant, a.fingerprint()), ack);
            out.add(ackJson(ack));
          }
        }
        if (out.isEmpty()) {
          throw new LookoutException(ErrorCode.NOT_FOUND, "no firing alert matches: only firing alerts can be"
              + " acknowledged, see /api/v1/alerting/alerts");
        }
        notifier.engine().markDirty();
        LOG.info("{} alerts acknowledged for tenant {}", out.size(), tenant);
        return out;
      });
    });
  }

  private void listAcks(RoutingContext ctx) {
    handle(ctx, () -> {
      String tenant = tenant(ctx);
      return notifier.call(() -> {
        List<Ack> list = new ArrayList<>();
        for (Ack a : notifier.engine().state().acks.values()) {
          if (a.tenant().equals(tenant)) {
            list.add(a);
          }
        }
        list.sort(Comparator.comparingLong(Ack::createdAt).reversed());
        return list.stream().map(NotifyApi::ackJson).toList();
      });
    });
  }

  private void deleteAck(RoutingContext ctx) {
    handle(ctx, () -> {
      String tenant = tenant(ctx);
      String fp = ctx.pathParam("fingerprint");
      return notifier.call(() -> {
        if (notifier.engine().state().acks.remove(StateFile.key(tenant, fp)) == null) {
          throw new LookoutException(ErrorCode.NOT_FOUND, "no acknowledgement for fingerprint '" + fp
              + "' in this tenant");
        }
        notifier.engine().markDirty();
        return Map.of("fingerprint", fp);
      });
    });
  }

  private static Map<String, Object> ackJson(Ack a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("fingerprint", a.fingerprint());
    m.put("labels", a.labels());
    m.put("alertStartsAt", iso(a.alertStartsAt()));
    m.put("createdBy", a.createdBy());
    m.put("comment", a.comment());
    m.put("createdAt", iso(a.createdAt()));
    return m;
  }

  // ---- notifications

  private void listNotifications(RoutingContext ctx) {
    handle(ctx, () -> {
      String tenant = tenant(ctx);
      String state = ctx.queryParams().get("state");
      if (state != null && !NOTIFICATION_STATES.contains(state)) {
        throw LookoutException.badData("invalid state '" + state + "': allowed are pending, delivered, failed");
      }
      String receiver = ctx.queryParams().get("receiver");
      int limit = 100;
      String l = ctx.queryParams().get("limit");
      if (l != null) {
        try {
          limit = Integer.parseInt(l);
        } catch (NumberFormatException e) {
          limit = -1;
        }
        if (limit < 1 || limit > 1000) {
          throw LookoutException.badData("invalid limit '" + l + "': use a whole number from 1 to 1000");
        }
      }
      int max = limit;
      return notifier.call(() -> {
        List<Object> out = new ArrayList<>();
        for (Outbox.Entry e : notifier.outbox().newestFirst()) {
          if (out.size() >= max) {
            break;
          }
          if (e.tenant.equals(tenant) && (state == null || e.state.equals(state))
              && (receiver == null || e.receiver.equals(receiver))) {
            out.add(entryJson(e));
          }
        }
        return out;
      });
    });
  }

  private static Map<String, Object> entryJson(Outbox.Entry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id);
    m.put("receiver", e.receiver);
    m.put("groupKey", e.groupKey);
    m.put("status", e.status);
    m.put("state", e.state);
    m.put("alerts", e.alertCount);
    m.put("firing", e.firing);
    m.put("resolved", e.resolved);
    m.put("createdAt", iso(e.createdAt));
    if (e.state.equals("pending")) {
      m.put("nextAttemptAt", iso(e.nextAttemptAt));
    } else {
      m.put("finishedAt", iso(e.finishedAt));
      if (!e.reason.isEmpty()) {
        m.put("reason", e.reason);
      }
    }
    m.put("attemptCount", e.attempts);
    List<Object> attempts = new ArrayList<>();
    for (Outbox.Attempt a : e.recent) {
      Map<String, Object> am = new LinkedHashMap<>();
      am.put("at", iso(a.at()));
      am.put("durationMs", a.durationMs());
      am.put("statusCode", a.status());
      if (a.error() != null) {
        am.put("error", a.error());
      }
      if (a.nextAt() > 0) {
        am.put("backoffMs", a.backoffCapMs());
        am.put("retryAt", iso(a.nextAt()));
      }
      attempts.add(am);
    }
    m.put("attempts", attempts);
    return m;
  }
}
