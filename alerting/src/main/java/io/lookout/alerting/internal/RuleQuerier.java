package io.lookout.alerting.internal;

import io.lookout.alerting.rules.QueryPoint;
import io.lookout.alerting.rules.RuleSpec;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Runs a rule's query at an evaluation time. Blocking; throws on failure (the rule's health shows it). */
@FunctionalInterface
public interface RuleQuerier {
  List<QueryPoint> query(String tenant, RuleSpec.Query query, Instant ts);

  /** Tenants with stored logs or spans, watched by the built-in heartbeat; cheap, called on every rule poll. */
  default Set<String> tenants() {
    return Set.of();
  }
}
