package io.lookout.bench;

import io.lookout.bench.internal.ServiceGraph;
import io.lookout.bench.internal.ServiceGraph.Call;
import io.lookout.bench.internal.ServiceGraph.Local;
import io.lookout.bench.internal.ServiceGraph.LocalKind;
import io.lookout.bench.internal.ServiceGraph.Route;
import io.lookout.bench.internal.ServiceGraph.Service;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * An endless, seeded, deterministic stream of traces through the shop of {@link ServiceGraph}.
 *
 * <p>Trace {@code i} has {@value #MIN_SPANS} to {@value #MAX_SPANS} spans (uniform): a {@code
 * frontend} SERVER root, then spans added one unit at a time under a random SERVER span already in
 * the tree: a remote call (a CLIENT span in the caller and a SERVER span in the callee), a database
 * or cache query (CLIENT) or an internal step (INTERNAL). Each unit fails with probability {@link
 * #ERROR_RATE} (all its spans get status ERROR and an {@code exception} event), so about that
 * share of spans are errors. Local operations last a log-normal time around a median of their own
 * ({@link ServiceGraph.Local#medianMicros()}: 0.3 ms for Redis, 2 ms for SQL, 40 ms for the payments
 * fraud check...); a span's children run one after another inside it.
 *
 * <p>Trace {@code i} depends only on the configuration and {@code i} (and the clock in {@link
 * TimeMode#NOW}), so any thread can generate any slice of the stream; trace ids are distinct for
 * distinct {@code i}.
 */
public final class SpanCorpus {
  public static final int MIN_SPANS = 5;
  public static final int MAX_SPANS = 15;
  /** Mean spans per trace. */
  public static final double MEAN_SPANS = (MIN_SPANS + MAX_SPANS) / 2.0;
  public static final double ERROR_RATE = 0.02;
  public static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
  /** Instances of each service ({@code host.name} {@code <service>-<n>}). */
  public static final int INSTANCES = 3;

  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private static final double CALL_PROBABILITY = 0.55;
  private static final double NEWEST_PARENT = 0.5;
  private static final double LOCAL_SIGMA = 1.2;
  private static final long MAX_LOCAL_NANOS = 30_000_000_000L;
  private static final long SELF_MEDIAN_NANOS = 300_000L;
  private static final long LEAF_SERVER_MEDIAN_NANOS = 1_000_000L;
  private static final long GAP_MEDIAN_NANOS = 20_000L;
  private static final long JITTER_NANOS = 2_000_000_000L;

  private final long seed;
  private final long plannedTraces;
  private final TimeMode timeMode;
  private final long anchorNanos;
  private final long windowNanos;
  private final long base;

  /**
   * @param seed seeds every random choice
   * @param plannedTraces traces the run will take; spreads start times over them
   * @param timeMode spread over the window, or now
   * @param anchorNanos end of the window (Unix nanoseconds) in {@link TimeMode#SPREAD}
   * @param window length of the window
   */
  public SpanCorpus(long seed, long plannedTraces, TimeMode timeMode, long anchorNanos, Duration window) {
    if (plannedTraces < 1) {
      throw new IllegalArgumentException("planned traces must be at least 1, got " + plannedTraces);
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("time window must be positive, got " + window);
    }
    this.seed = seed;
    this.plannedTraces = plannedTraces;
    this.timeMode = timeMode;
    this.anchorNanos = anchorNanos;
    this.windowNanos = window.toNanos();
    this.base = mix(seed ^ 0x7A3F1C55D2E94B61L);
  }

  /** Spread over the hour before {@code anchorNanos}. */
  public static SpanCorpus of(long seed, long plannedTraces, long anchorNanos) {
    return new SpanCorpus(seed, plannedTraces, TimeMode.SPREAD, anchorNanos, DEFAULT_WINDOW);
  }

  public long seed() {
    return seed;
  }

  public long plannedTraces() {
    return plannedTraces;
  }

  /** Start of the time window, Unix nanoseconds (roots start no earlier in {@link TimeMode#SPREAD}). */
  public long windowStartNanos() {
    return anchorNanos - windowNanos;
  }

  /** Trace {@code index} of the stream (0-based). */
  public GeneratedTrace trace(long index) {
    SplittableRandom rng = new SplittableRandom(mix(base + index * GOLDEN));
    long high = mix(base ^ 0x1234_5678_9ABC_DEF1L) + index * GOLDEN;
    high = mix(high);
    long low = rng.nextLong();
    if (high == 0 && low == 0) {
      low = 1;
    }
    int count = MIN_SPANS + rng.nextInt(MAX_SPANS - MIN_SPANS + 1);
    List<Node> nodes = grow(rng, count);
    layOut(rng, nodes, rootStart(index, rng));
    return new GeneratedTrace(index, high, low, build(rng, nodes, index));
  }

  /** A span under construction. */
  private static final class Node {
    final int parent;
    final int kind;
    final String service;
    final String name;
    final Route route;
    final String peer;
    final Local local;
    final boolean error;
    final List<Integer> children = new ArrayList<>(4);
    long duration;
    long lead;
    long start;
    long end;

    Node(int parent, int kind, String service, String name, Route route, String peer, Local local, boolean error) {
      this.parent = parent;
      this.kind = kind;
      this.service = service;
      this.name = name;
      this.route = route;
      this.peer = peer;
      this.local = local;
      this.error = error;
    }
  }

  private static List<Node> grow(SplittableRandom rng, int count) {
    List<Node> nodes = new ArrayList<>(count);
    List<Integer> servers = new ArrayList<>(count);
    Route entry = ServiceGraph.ENTRY_ROUTES.get(rng.nextInt(ServiceGraph.ENTRY_ROUTES.size()));
    nodes.add(new Node(-1, GeneratedSpan.KIND_SERVER, ServiceGraph.ROOT_SERVICE, entry.spanName(), entry, "",
        null, fails(rng)));
    servers.add(0);
    while (nodes.size() < count) {
      // mostly grow under the newest SERVER span, so that trees get deep as well as wide
      int parentIndex = rng.nextDouble() < NEWEST_PARENT
          ? servers.getLast() : servers.get(rng.nextInt(servers.size()));
      Node parent = nodes.get(parentIndex);
      Service svc = ServiceGraph.service(parent.service);
      boolean error = fails(rng);
      if (count - nodes.size() >= 2 && !svc.calls().isEmpty() && rng.nextDouble() < CALL_PROBABILITY) {
        Call c = ServiceGraph.pick(svc, rng.nextDouble());
        int client = add(nodes, new Node(parentIndex, GeneratedSpan.KIND_CLIENT, svc.name(), c.route().spanName(),
            c.route(), c.service(), null, error));
        int server = add(nodes, new Node(client, GeneratedSpan.KIND_SERVER, c.service(), c.route().spanName(),
            c.route(), "", null, error));
        servers.add(server);
      } else {
        Local l = svc.locals().get(rng.nextInt(svc.locals().size()));
        int kind = l.kind() == LocalKind.INTERNAL ? GeneratedSpan.KIND_INTERNAL : GeneratedSpan.KIND_CLIENT;
        add(nodes, new Node(parentIndex, kind, svc.name(), l.name(), null, l.peer(), l, error));
      }
    }
    return nodes;
  }

  private static int add(List<Node> nodes, Node n) {
    nodes.add(n);
    if (n.parent >= 0) {
      nodes.get(n.parent).children.add(nodes.size() - 1);
    }
    return nodes.size() - 1;
  }

  private static boolean fails(SplittableRandom rng) {
    return rng.nextDouble() < ERROR_RATE;
  }

  private long rootStart(long index, SplittableRandom rng) {
    if (timeMode == TimeMode.NOW) {
      Instant now = Instant.now();
      return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
    long start = windowStartNanos();
    double position = (double) (index % plannedTraces) / plannedTraces;
    long t = start + (long) (position * windowNanos) + rng.nextLong(-JITTER_NANOS, JITTER_NANOS);
    return Math.max(start, Math.min(anchorNanos, t));
  }

  /**
   * Times every node. Durations bottom-up (children come after their parents): a local operation
   * lasts a log-normal time around its median, a SERVER span its children one after another plus
   * small gaps and its own work, a CLIENT call its callee plus the network both ways. Then starts
   * top-down from the root's {@code start}.
   */
  private static void layOut(SplittableRandom rng, List<Node> nodes, long start) {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      Node n = nodes.get(i);
      if (n.local != null) {
        n.duration = logNormal(rng, n.local.medianMicros() * 1_000L, LOCAL_SIGMA);
      } else if (n.kind == GeneratedSpan.KIND_CLIENT) {
        Node callee = nodes.get(n.children.getFirst());
        callee.lead = 200_000 + rng.nextLong(800_000);
        n.duration = callee.lead + callee.duration + 200_000 + rng.nextLong(800_000);
      } else {
        long d = logNormal(rng, n.children.isEmpty() ? LEAF_SERVER_MEDIAN_NANOS : SELF_MEDIAN_NANOS, 0.5);
        for (int c : n.children) {
          Node child = nodes.get(c);
          child.lead = logNormal(rng, GAP_MEDIAN_NANOS, 0.5);
          d += child.lead + child.duration;
        }
        n.duration = d;
      }
    }
    Node root = nodes.getFirst();
    root.start = start;
    for (Node n : nodes) {
      n.end = n.start + n.duration;
      long cursor = n.start;
      for (int c : n.children) {
        Node child = nodes.get(c);
        cursor += child.lead;
        child.start = cursor;
        cursor += child.duration;
      }
    }
  }

  private static long logNormal(SplittableRandom rng, long medianNanos, double sigma) {
    double d = medianNanos * Math.exp(sigma * rng.nextGaussian());
    return Math.max(1_000L, Math.min(MAX_LOCAL_NANOS, (long) d));
  }

  private static List<GeneratedSpan> build(SplittableRandom rng, List<Node> nodes, long traceIndex) {
    int instance = (int) Math.floorMod(traceIndex, INSTANCES);
    long[] ids = new long[nodes.size()];
    List<GeneratedSpan> out = new ArrayList<>(nodes.size());
    // one target per remote call, shared by its CLIENT and SERVER span
    String[] targets = new String[nodes.size()];
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      long id = rng.nextLong();
      ids[i] = id == 0 ? 1 : id;
      Map<String, Object> attrs = new LinkedHashMap<>(8);
      boolean http = n.route != null;
      if (http) {
        String target = n.kind == GeneratedSpan.KIND_SERVER && n.parent >= 0 ? targets[n.parent] : null;
        if (target == null) {
          target = fill(n.route.route(), rng);
          targets[i] = target;
        }
        attrs.put("http.method", n.route.method());
        if (n.kind == GeneratedSpan.KIND_SERVER) {
          attrs.put("http.route", n.route.route());
          attrs.put("http.target", target);
        } else {
          attrs.put("http.url", "http://" + n.peer + ":8080" + target);
          attrs.put("net.peer.name", n.peer);
        }
        attrs.put("http.status_code", n.error ? 500L : 200L);
      } else if (n.local.kind() == LocalKind.INTERNAL) {
        attrs.put("code.function", n.local.name().replace(' ', '_'));
      } else {
        attrs.put("db.system", n.local.kind() == LocalKind.SQL ? "postgresql" : "redis");
        attrs.put("db.name", n.local.database());
        attrs.put("db.operation", n.local.name().split(" ", 2)[0]);
        attrs.put("db.statement", String.format(Locale.ROOT, n.local.statement(), 1 + rng.nextInt(9_999_999)));
        attrs.put("net.peer.name", n.local.peer());
      }
      GeneratedSpan.Exception ex = n.error ? exception(rng, n) : null;
      String host = n.service + "-" + Math.floorMod(instance + n.service.length(), INSTANCES);
      out.add(new GeneratedSpan(i, n.parent, ids[i], n.parent < 0 ? 0 : ids[n.parent], n.service, host, n.name,
          n.kind, n.start, n.end, n.error, attrs, ex));
    }
    return List.copyOf(out);
  }

  private static GeneratedSpan.Exception exception(SplittableRandom rng, Node n) {
    String type;
    String message;
    if (n.route != null) {
      type = n.kind == GeneratedSpan.KIND_SERVER ? "java.lang.IllegalStateException" : "java.io.IOException";
      message = n.kind == GeneratedSpan.KIND_SERVER
          ? "request " + rng.nextInt(1_000_000) + " failed in " + n.service
          : "upstream " + n.peer + " answered 500";
    } else if (n.local.kind() == LocalKind.INTERNAL) {
      type = "java.lang.IllegalArgumentException";
      message = n.local.name() + " rejected input " + rng.nextInt(1_000_000);
    } else if (n.local.kind() == LocalKind.SQL) {
      type = "org.postgresql.util.PSQLException";
      message = "ERROR: deadlock detected on " + n.local.database() + " (pid " + rng.nextInt(65_536) + ")";
    } else {
      type = "io.lettuce.core.RedisCommandTimeoutException";
      message = "command timed out after 1 second(s)";
    }
    String stack = type + ": " + message + "\n\tat io.shop." + n.service + ".Handler.handle(Handler.java:"
        + (20 + rng.nextInt(400)) + ")\n\tat io.shop.common.Server.dispatch(Server.java:88)";
    long at = n.end - Math.min(n.end - n.start, rng.nextLong(50_000));
    return new GeneratedSpan.Exception(at, type, message, stack);
  }

  /** The route with each {@code {param}} replaced by a random number. */
  private static String fill(String route, SplittableRandom rng) {
    int open = route.indexOf('{');
    if (open < 0) {
      return route;
    }
    StringBuilder b = new StringBuilder(route.length() + 8);
    int from = 0;
    while (open >= 0) {
      int close = route.indexOf('}', open);
      b.append(route, from, open).append(1 + rng.nextInt(999_999));
      from = close + 1;
      open = route.indexOf('{', from);
    }
    return b.append(route, from, route.length()).toString();
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
