package io.lookout.alerting.internal;

import io.lookout.alerting.rules.QueryPoint;
import io.lookout.alerting.rules.RuleSpec;
import java.time.Instant;
import java.util.List;

/** Runs a rule's query at an evaluation time. Blocking; throws on failure (the rule's health shows it). */
@FunctionalInterface
public interface RuleQuerier {
  List<QueryPoint> query(String tenant, RuleSpec.Query query, Instant ts);
}
