package io.lookout.agent.file;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Counters shared by all file inputs; register once per registry. */
public final class FileMetrics {
  final Counter lines;
  final Counter bytes;
  final Counter records;
  final Counter truncated;
  final Counter parseFailures;
  final Counter dropped;
  final Counter rotations;
  final Counter queueFullWaits;
  private final List<FileInput> inputs = new CopyOnWriteArrayList<>();

  public FileMetrics(PrometheusRegistry registry) {
    lines = Counter.builder().name("lookout_agent_file_lines_total").help("lines read from files").register(registry);
    bytes = Counter.builder().name("lookout_agent_file_bytes_total").help("bytes read from files").register(registry);
    records = Counter.builder().name("lookout_agent_file_records_total")
        .help("log records from files written to the disk queue").register(registry);
    truncated = Counter.builder().name("lookout_agent_file_truncated_lines_total")
        .help("lines cut at max_line_bytes").register(registry);
    parseFailures = Counter.builder().name("lookout_agent_file_parse_failures_total")
        .help("records that did not parse with the input's parser (sent with the raw text as body)").register(registry);
    dropped = Counter.builder().name("lookout_agent_file_dropped_records_total")
        .help("records removed by drop rules").register(registry);
    rotations = Counter.builder().name("lookout_agent_file_rotations_total")
        .help("rotations seen, by kind (rename: a file moved away or deleted; truncate: copy-truncate or rewrite)")
        .labelNames("kind").register(registry);
    queueFullWaits = Counter.builder().name("lookout_agent_file_queue_full_waits_total")
        .help("times a file input paused because the disk queue was full").register(registry);
    GaugeWithCallback.builder().name("lookout_agent_files_watched").help("files open for reading")
        .callback(cb -> cb.call(inputs.stream().mapToInt(FileInput::openFiles).sum())).register(registry);
  }

  void add(FileInput input) {
    inputs.add(input);
  }

  void remove(FileInput input) {
    inputs.remove(input);
  }
}
