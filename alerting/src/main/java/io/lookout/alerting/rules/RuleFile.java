package io.lookout.alerting.rules;

import com.fasterxml.jackson.databind.JsonNode;
import io.lookout.alerting.notify.NotifyConfig;
import java.util.List;

/**
 * What one rule file defines: rule groups, probes, and its root node (receivers and route, parsed
 * by the notifier's parser into {@code notifyConfig}).
 */
public record RuleFile(
    String source, List<GroupSpec> groups, List<ProbeSpec> probes, JsonNode root, NotifyConfig notifyConfig) {
  public RuleFile {
    groups = List.copyOf(groups);
    probes = List.copyOf(probes);
  }
}
