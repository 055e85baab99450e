package io.lookout.query.promql.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.metrics.Labels;
import io.lookout.query.promql.PromqlParser;
import java.util.ArrayList;
import java.util.List;

/**
 * A fixed data set (times in seconds from the epoch) and helpers that evaluate a query and compare
 * the result with an expected text {@code {labels} value; {labels} value} (in result order; values
 * with a relative tolerance of 1e-9), or {@code scalar v}.
 */
final class EngineFixture {
  static final long S = 1000;
  final InMemoryMetricStore store = new InMemoryMetricStore();
  Engine engine = new Engine(store, EngineOptions.defaults());

  EngineFixture() {
    // counters every 15 s from 0 to 600 s
    double[] a = new double[41];
    double[] b = new double[41];
    double[] c = new double[41];
    double[] lin = new double[41];
    for (int i = 0; i <= 40; i++) {
      a[i] = 10 * i;
      b[i] = 5 * i;
      c[i] = 3 * i;
      lin[i] = 0.5 * 15 * i;
    }
    store.addSeries(Labels.of("__name__", "http_requests_total", "job", "api", "instance", "a"), 0, 15 * S, a);
    store.addSeries(Labels.of("__name__", "http_requests_total", "job", "api", "instance", "b"), 0, 15 * S, b);
    store.addSeries(Labels.of("__name__", "http_requests_total", "job", "web", "instance", "c"), 0, 15 * S, c);
    store.addSeries(Labels.of("__name__", "lin"), 0, 15 * S, lin);
    store.addSeries(Labels.of("__name__", "resetting", "instance", "r"), 0, 15 * S, 0, 10, 20, 30, 5, 15);
    store.addSeries(Labels.of("__name__", "late_counter"), 30 * S, 15 * S, 1, 4, 7);
    store.addSeries(Labels.of("__name__", "sparse"), 50 * S, 5 * S, 1, 2, 3);
    store.addSeries(Labels.of("__name__", "g", "instance", "a"), 0, 60 * S, 1, 5, 3, 8, 2, 6);
    store.addSeries(Labels.of("__name__", "m", "instance", "a"), 0, 60 * S, -2.5, -2.5, -2.5, -2.5, -2.5, -2.5);
    store.addSeries(Labels.of("__name__", "m", "instance", "b"), 0, 60 * S, 8, 8, 8, 8, 8, 8);
    store.addSeries(Labels.of("__name__", "st"), 0, 15 * S, 1, 2);
    store.stale(Labels.of("__name__", "st"), 30 * S);
    store.add(Labels.of("__name__", "job_info", "job", "api", "team", "t1"), 0, 1, 300 * S, 1);
    store.add(Labels.of("__name__", "job_info", "job", "web", "team", "t2"), 0, 1, 300 * S, 1);
    String[] les = {"0.1", "0.5", "1", "+Inf"};
    double[] counts = {10, 30, 40, 50};
    for (int i = 0; i < les.length; i++) {
      store.add(Labels.of("__name__", "h_bucket", "le", les[i], "job", "api"), 300 * S, counts[i]);
    }
  }

  Value instant(String query, long seconds) {
    return engine.instant("default", PromqlParser.parse(query), seconds * S, 10_000).value();
  }

  Value range(String query, long start, long end, long step) {
    return engine.range("default", PromqlParser.parse(query), start * S, end * S, step * S, 10_000).value();
  }

  /** Asserts the result of an instant query. */
  void check(String query, long seconds, String expected) {
    Value v = instant(query, seconds);
    assertMatches(query, render(v), expected);
  }

  static List<String[]> render(Value v) {
    List<String[]> out = new ArrayList<>();
    switch (v) {
      case Scalar s -> out.add(new String[] {"scalar", Format.value(s.value())});
      case StringValue s -> out.add(new String[] {"string", s.value()});
      case Vector vec -> vec.elements().forEach(e -> out.add(new String[] {e.labels().toString(), Format.value(e.value())}));
      case Matrix m -> m.series().forEach(s -> {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.size(); i++) {
          sb.append(i == 0 ? "" : ",").append(s.timestamps()[i] / 1000.0).append('@').append(Format.value(s.values()[i]));
        }
        out.add(new String[] {s.labels().toString(), sb.toString()});
      });
    }
    return out;
  }

  static void assertMatches(String query, List<String[]> actual, String expected) {
    List<String[]> want = new ArrayList<>();
    if (!expected.isBlank()) {
      for (String part : expected.split(";")) {
        String p = part.trim();
        int sp = p.lastIndexOf(' ');
        want.add(new String[] {p.substring(0, sp), p.substring(sp + 1)});
      }
    }
    String shown = String.join("; ", actual.stream().map(x -> x[0] + " " + x[1]).toList());
    assertThat(actual).as("%s gave %s", query, shown).hasSameSizeAs(want);
    for (int i = 0; i < want.size(); i++) {
      assertThat(actual.get(i)[0]).as("%s gave %s", query, shown).isEqualTo(want.get(i)[0]);
      String a = actual.get(i)[1];
      String w = want.get(i)[1];
      if (a.contains("@") || a.equals(w)) {
        assertThat(a).as("%s gave %s", query, shown).isEqualTo(w);
      } else {
        double da = Double.parseDouble(a.replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
        double dw = Double.parseDouble(w.replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
        assertThat(Math.abs(da - dw)).as("%s gave %s, expected %s", query, shown, expected)
            .isLessThanOrEqualTo(1e-9 * Math.max(1, Math.abs(dw)));
      }
    }
  }
}
