package io.lookout.alerting.rules;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A rule group: rules evaluated in order, on one interval, for one tenant.
 *
 * @param source the file the group came from, {@code api} for groups managed through the API, or
 *     {@code builtin}
 * @param interval evaluation interval, null for the default ({@code LOOKOUT_ALERTING_EVAL_INTERVAL})
 * @param limit most alerts one alerting rule of the group may have pending or firing, 0 for no limit
 */
public record GroupSpec(String name, String tenant, Duration interval, List<RuleSpec> rules, String source,
    int limit) {
  public static final String API = "api";
  public static final String BUILTIN = "builtin";

  public GroupSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(source, "source");
    rules = List.copyOf(rules);
  }

  /** A group without a limit. */
  public GroupSpec(String name, String tenant, Duration interval, List<RuleSpec> rules, String source) {
    this(name, tenant, interval, rules, source, 0);
  }

  /** Identity of the group: tenant, source and name. */
  public String key() {
    return tenant + "\u0000" + source + "\u0000" + name;
  }

  public Duration intervalOr(Duration def) {
    return interval == null ? def : interval;
  }

  public boolean readOnly() {
    return !API.equals(source);
  }
}
