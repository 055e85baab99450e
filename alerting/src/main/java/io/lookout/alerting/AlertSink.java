package io.lookout.alerting;

import java.util.List;

/**
 * Where the rule engine sends alerts, in the way Prometheus sends them to Alertmanager: after each
 * evaluation of a group, every alert of that group that is firing, plus every alert that resolved
 * recently (with {@code endsAt} set; resent for a while so a lost update heals). The sink
 * deduplicates, groups, routes and notifies; it must not block (enqueue and return).
 */
public interface AlertSink {

  void send(String tenant, List<Alert> alerts);
}
