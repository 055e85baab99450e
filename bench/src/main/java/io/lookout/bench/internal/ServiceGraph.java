package io.lookout.bench.internal;

import java.util.List;
import java.util.Map;

/**
 * The fixed shop the trace generator pretends to observe: eight services, the HTTP routes each
 * serves, whom each calls, and the work each does on its own (database and cache queries,
 * internal steps). Every service has at least one local operation, so a tree can always grow by
 * one span.
 */
public final class ServiceGraph {
  /** Entry service; every trace starts with one of its routes. */
  public static final String ROOT_SERVICE = "frontend";

  /** An HTTP route a service serves. */
  public record Route(String method, String route) {
    public String spanName() {
      return method + " " + route;
    }
  }

  /** A call from one service to a route of another; calls are picked in proportion to their weight. */
  public record Call(String service, Route route, int weight) {}

  /** What a local operation is. */
  public enum LocalKind { INTERNAL, SQL, REDIS }

  /**
   * A local operation of a service.
   *
   * @param kind internal step, SQL or Redis query
   * @param name span name
   * @param statement statement with a {@code %d} where a random id goes (empty for internal steps)
   * @param peer database host ({@code net.peer.name}), empty for internal steps
   * @param database database name, empty for internal steps
   * @param medianMicros median duration; durations are log-normal around it
   */
  public record Local(LocalKind kind, String name, String statement, String peer, String database,
      long medianMicros) {}

  /**
   * A service of the shop.
   *
   * @param name {@code service.name}
   * @param version {@code service.version}
   * @param calls routes of other services it calls
   * @param locals operations it does on its own, never empty
   */
  public record Service(String name, String version, List<Call> calls, List<Local> locals) {}

  /** Routes served by the entry service (span names of trace roots). */
  public static final List<Route> ENTRY_ROUTES = List.of(
      new Route("GET", "/api/products/{id}"),
      new Route("POST", "/api/checkout"),
      new Route("GET", "/api/cart"),
      new Route("GET", "/"));

  private static final Route AUTH = new Route("POST", "/auth/verify");
  private static final Route CART = new Route("GET", "/cart/{id}");
  private static final Route CHECKOUT = new Route("POST", "/checkout");
  private static final Route CHARGE = new Route("POST", "/payments/charge");
  private static final Route STOCK = new Route("GET", "/inventory/{sku}");
  private static final Route RESERVE = new Route("POST", "/inventory/reserve");
  private static final Route QUOTE = new Route("POST", "/shipping/quote");
  private static final Route RECOMMEND = new Route("GET", "/recommendations");

  private static Local internal(String name, long medianMicros) {
    return new Local(LocalKind.INTERNAL, name, "", "", "", medianMicros);
  }

  private static Local sql(String db, String statement) {
    String name = statement.substring(0, statement.indexOf(' ')) + " " + db;
    return new Local(LocalKind.SQL, name, statement, db + "-db", db, 2_000);
  }

  private static Local redis(String command) {
    return new Local(LocalKind.REDIS, command.substring(0, command.indexOf(' ')), command, "redis", "0", 300);
  }

  /** The services by name, in a fixed order. */
  public static final Map<String, Service> SERVICES = byName(List.of(
      new Service(ROOT_SERVICE, "2.14.0",
          List.of(new Call("auth", AUTH, 2), new Call("cart", CART, 2), new Call("checkout", CHECKOUT, 3),
              new Call("recommendations", RECOMMEND, 2), new Call("inventory", STOCK, 1)),
          List.of(internal("render page", 6000), internal("resolve session", 500))),
      new Service("auth", "1.3.2", List.of(),
          List.of(redis("GET session:%d"), internal("verify token", 1000))),
      new Service("cart", "1.8.0", List.of(new Call("inventory", STOCK, 1)),
          List.of(redis("HGETALL cart:%d"), redis("HSET cart:%d qty 1"))),
      new Service("checkout", "3.1.4",
          List.of(new Call("payments", CHARGE, 4), new Call("inventory", RESERVE, 2), new Call("shipping", QUOTE, 2),
              new Call("cart", CART, 1)),
          List.of(sql("orders", "INSERT INTO orders (id, status, total) VALUES (%d, 'new', 42.50)"),
              sql("orders", "UPDATE orders SET status = 'paid' WHERE id = %d"), internal("validate order", 500))),
      new Service("payments", "5.0.1", List.of(),
          List.of(sql("payments", "SELECT id, status, amount FROM payments WHERE order_id = %d"),
              sql("payments", "INSERT INTO payments (id, order_id, amount) VALUES (%d, 17, 42.50)"),
              internal("fraud check", 40000), internal("tokenize card", 3000))),
      new Service("inventory", "2.2.7", List.of(),
          List.of(sql("inventory", "SELECT sku, qty FROM stock WHERE sku = %d"),
              sql("inventory", "UPDATE stock SET qty = qty - 1 WHERE sku = %d"), redis("GET stock:%d"))),
      new Service("shipping", "1.0.9", List.of(),
          List.of(sql("shipping", "SELECT zone, price FROM rates WHERE zone = %d"), internal("compute quote", 2000))),
      new Service("recommendations", "0.9.3", List.of(new Call("inventory", STOCK, 1)),
          List.of(internal("rank products", 8000), redis("ZRANGE recs:%d 0 9")))));

  private ServiceGraph() {}

  private static Map<String, Service> byName(List<Service> services) {
    java.util.LinkedHashMap<String, Service> m = new java.util.LinkedHashMap<>();
    for (Service s : services) {
      m.put(s.name(), s);
    }
    for (Service s : services) {
      for (Call c : s.calls()) {
        if (!m.containsKey(c.service())) {
          throw new IllegalStateException("service " + s.name() + " calls unknown service " + c.service());
        }
      }
    }
    return java.util.Collections.unmodifiableMap(m);
  }

  /** A call of {@code s} picked in proportion to the weights; {@code r} uniform in [0, 1). */
  public static Call pick(Service s, double r) {
    int total = 0;
    for (Call c : s.calls()) {
      total += c.weight();
    }
    double x = r * total;
    for (Call c : s.calls()) {
      x -= c.weight();
      if (x < 0) {
        return c;
      }
    }
    return s.calls().getLast();
  }

  public static Service service(String name) {
    Service s = SERVICES.get(name);
    if (s == null) {
      throw new IllegalArgumentException("unknown service '" + name + "': use one of " + SERVICES.keySet());
    }
    return s;
  }
}
