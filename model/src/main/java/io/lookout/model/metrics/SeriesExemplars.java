package io.lookout.model.metrics;

import java.util.List;
import java.util.Objects;

/**
 * The exemplars kept for one series in a time range, ordered by timestamp.
 *
 * @param seriesLabels the labels of the series the exemplars were attached to
 */
public record SeriesExemplars(Labels seriesLabels, List<Exemplar> exemplars) {
  public SeriesExemplars {
    Objects.requireNonNull(seriesLabels, "seriesLabels");
    exemplars = List.copyOf(exemplars);
  }
}
