package io.lookout.storage.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The partition indexes of one signal: {@code <data>/<signal>/<tenant>/<partition>/}. */
public final class IndexSet {
  private static final Logger LOG = LoggerFactory.getLogger(IndexSet.class);

  private final Signal signal;
  private final Path root;
  private final Partitioning partitioning;
  private final Map<String, NavigableMap<Long, PartitionIndex>> byTenant = new ConcurrentHashMap<>();

  public IndexSet(Signal signal, Path dataDir, Partitioning partitioning) {
    this.signal = signal;
    this.root = dataDir.resolve(signal.dirName());
    this.partitioning = partitioning;
  }

  public Signal signal() {
    return signal;
  }

  /** Opens every partition already on disk. */
  public void openExisting() throws IOException {
    Files.createDirectories(root);
    try (Stream<Path> tenants = Files.list(root)) {
      for (Path t : tenants.filter(Files::isDirectory).toList()) {
        try (Stream<Path> parts = Files.list(t)) {
          for (Path p : parts.filter(Files::isDirectory).toList()) {
            Long start = Partitioning.parseStart(p.getFileName().toString());
            if (start == null) {
              LOG.warn("ignoring unexpected directory {}", p);
              continue;
            }
            String tenant = t.getFileName().toString();
            PartitionIndex idx = PartitionIndex.open(signal, tenant, start, partitioning.lengthNanos(), p);
            tenantMap(tenant).put(start, idx);
          }
        }
      }
    }
  }

  private NavigableMap<Long, PartitionIndex> tenantMap(String tenant) {
    return byTenant.computeIfAbsent(tenant, k -> new ConcurrentSkipListMap<>());
  }

  /** The partition a record of this timestamp belongs to, created when absent. */
  public PartitionIndex forTimestamp(String tenant, long tsNanos) throws IOException {
    NavigableMap<Long, PartitionIndex> m = tenantMap(tenant);
    Map.Entry<Long, PartitionIndex> floor = m.floorEntry(tsNanos);
    if (floor != null && floor.getValue().endNanos > tsNanos) {
      return floor.getValue();
    }
    synchronized (this) {
      floor = m.floorEntry(tsNanos);
      if (floor != null && floor.getValue().endNanos > tsNanos) {
        return floor.getValue();
      }
      long start = partitioning.startOf(tsNanos);
      String name = Partitioning.name(start, partitioning.lengthNanos());
      PartitionIndex idx = PartitionIndex.open(signal, tenant, start, partitioning.lengthNanos(),
          root.resolve(tenant).resolve(name));
      m.put(start, idx);
      return idx;
    }
  }

  /** Partitions of a tenant overlapping {@code [from, to]}, oldest first. */
  public List<PartitionIndex> overlapping(String tenant, long from, long to) {
    NavigableMap<Long, PartitionIndex> m = byTenant.get(tenant);
    if (m == null) {
      return List.of();
    }
    List<PartitionIndex> out = new ArrayList<>();
    for (PartitionIndex p : m.headMap(to, true).values()) {
      if (p.overlaps(from, to)) {
        out.add(p);
      }
    }
    return out;
  }

  public List<PartitionIndex> all() {
    List<PartitionIndex> out = new ArrayList<>();
    for (NavigableMap<Long, PartitionIndex> m : byTenant.values()) {
      out.addAll(m.values());
    }
    out.sort(Comparator.comparingLong(p -> p.startNanos));
    return out;
  }

  public long maxCommittedSeq() {
    long max = -1;
    for (PartitionIndex p : all()) {
      max = Math.max(max, p.committedSeq());
    }
    return max;
  }

  /** Removes partitions that end at or before {@code cutoff}; the caller closes and deletes them. */
  public List<PartitionIndex> removeEndingBefore(long cutoff) {
    List<PartitionIndex> out = new ArrayList<>();
    for (NavigableMap<Long, PartitionIndex> m : byTenant.values()) {
      for (PartitionIndex p : m.values()) {
        if (p.endNanos <= cutoff && m.remove(p.startNanos, p)) {
          out.add(p);
        }
      }
    }
    return out;
  }

  /** Tenants with at least one partition; from memory, no disk access. */
  public Set<String> tenants() {
    Set<String> out = new HashSet<>();
    byTenant.forEach((tenant, parts) -> {
      if (!parts.isEmpty()) {
        out.add(tenant);
      }
    });
    return out;
  }
}
