package io.lookout.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The remote_write requests of one connection: the hosts {@code h} with {@code h % connections ==
 * shard}, in time order. A window of {@code k} seconds of all the shard's series is generated at
 * once and sent as requests of {@code g} series x {@code k} samples ({@code g * k <= --batch},
 * {@code k} as large as the shard allows), so each series is sent in time order on one connection.
 */
final class RemoteWriteShard implements MetricsShard {
  private final NodeSeries.Host[] hosts;
  private final int[] hostSeries;
  private final byte[][] labels;
  private final int samples;
  private final long firstMillis;
  private final int group;
  private final int window;
  private final double[][] values;
  private final long[] timestamps;
  private final double[] step = new double[NodeSeries.PER_HOST];
  private int nextSample;
  private int windowSamples;
  private int nextSeries;
  private int lastSamples;

  private RemoteWriteShard(NodeSeries series, List<Integer> hostIds, long seed, int batch, int samples,
      long firstMillis) {
    this.hosts = new NodeSeries.Host[hostIds.size()];
    this.hostSeries = new int[hostIds.size()];
    List<byte[]> l = new ArrayList<>();
    for (int i = 0; i < hostIds.size(); i++) {
      int h = hostIds.get(i);
      hosts[i] = new NodeSeries.Host(seed, h);
      hostSeries[i] = series.seriesOf(h);
      for (int s = 0; s < hostSeries[i]; s++) {
        l.add(RemoteWriteBatch.labels(series.labels(h * NodeSeries.PER_HOST + s)));
      }
    }
    this.labels = l.toArray(byte[][]::new);
    this.samples = samples;
    this.firstMillis = firstMillis;
    this.group = Math.max(1, Math.min(labels.length, batch));
    this.window = Math.max(1, Math.min(samples, batch / group));
    this.values = new double[labels.length][window];
    this.timestamps = new long[window];
    this.nextSeries = labels.length;
  }

  static RemoteWriteShard of(NodeSeries series, BenchArgs a, int shard, int connections, long firstMillis) {
    return of(series, a.seed(), a.batch(), a.samples(), shard, connections, firstMillis);
  }

  static RemoteWriteShard of(NodeSeries series, long seed, int batch, int samples, int shard, int connections,
      long firstMillis) {
    List<Integer> mine = new ArrayList<>();
    for (int h = shard; h < series.hosts(); h += connections) {
      mine.add(h);
    }
    return new RemoteWriteShard(series, mine, seed, batch, samples, firstMillis);
  }

  /** Requests this shard sends in all. */
  @Override
  public int requests() {
    if (labels.length == 0) {
      return 0;
    }
    int windows = (samples + window - 1) / window;
    return windows * ((labels.length + group - 1) / group);
  }

  /** Samples in the request {@link #next} returned last. */
  @Override
  public int lastSamples() {
    return lastSamples;
  }

  /** The next snappy-compressed request, null when done. */
  @Override
  public byte[] next() {
    if (labels.length == 0) {
      return null;
    }
    if (nextSeries >= labels.length) {
      if (nextSample >= samples) {
        return null;
      }
      fillWindow();
      nextSeries = 0;
    }
    int to = Math.min(labels.length, nextSeries + group);
    byte[] raw = RemoteWriteBatch.encode(Arrays.copyOfRange(labels, nextSeries, to),
        Arrays.copyOfRange(values, nextSeries, to), timestamps, windowSamples);
    lastSamples = (to - nextSeries) * windowSamples;
    nextSeries = to;
    return RemoteWriteBatch.snappy(raw);
  }

  private void fillWindow() {
    windowSamples = Math.min(window, samples - nextSample);
    for (int j = 0; j < windowSamples; j++) {
      timestamps[j] = firstMillis + (nextSample + j) * 1000L;
      int s = 0;
      for (int i = 0; i < hosts.length; i++) {
        hosts[i].step(step, 0, hostSeries[i]);
        for (int k = 0; k < hostSeries[i]; k++) {
          values[s + k][j] = step[k];
        }
        s += hostSeries[i];
      }
    }
    nextSample += windowSamples;
  }
}
