package io.lookout.query.promql.eval;

import io.lookout.model.metrics.Labels;
import io.lookout.query.promql.Binary;
import io.lookout.query.promql.BinaryOp;
import io.lookout.query.promql.ValueType;
import io.lookout.query.promql.VectorMatching;
import io.lookout.query.promql.VectorMatching.Cardinality;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Binary operators with Prometheus's vector matching rules. */
final class BinaryOps {
  private static final VectorMatching DEFAULT_MATCHING =
      new VectorMatching(Cardinality.ONE_TO_ONE, false, List.of(), List.of());

  private BinaryOps() {}

  static List<Elem> eval(Evaluator ev, Binary b, long t) {
    ValueType lt = b.lhs().type();
    ValueType rt = b.rhs().type();
    if (lt == ValueType.SCALAR) {
      double l = ev.scalar(b.lhs(), t);
      return vectorScalar(b, ev.vector(b.rhs(), t), l, true, t);
    }
    if (rt == ValueType.SCALAR) {
      double r = ev.scalar(b.rhs(), t);
      return vectorScalar(b, ev.vector(b.lhs(), t), r, false, t);
    }
    List<Elem> lhs = ev.vector(b.lhs(), t);
    List<Elem> rhs = ev.vector(b.rhs(), t);
    VectorMatching m = b.matching() == null ? DEFAULT_MATCHING : b.matching();
    return switch (b.op()) {
      case AND -> and(lhs, rhs, m, true);
      case UNLESS -> and(lhs, rhs, m, false);
      case OR -> or(lhs, rhs, m);
      default -> vectorVector(b, lhs, rhs, m, t);
    };
  }

  /** The value of {@code l op r}; for comparisons 1 or 0 (NaN never compares true). */
  static double apply(BinaryOp op, double l, double r) {
    return switch (op) {
      case ADD -> l + r;
      case SUB -> l - r;
      case MUL -> l * r;
      case DIV -> l / r;
      case MOD -> l % r;
      case POW -> pow(l, r);
      case ATAN2 -> Math.atan2(l, r);
      case EQL -> l == r ? 1 : 0;
      case NEQ -> l != r ? 1 : 0;
      case GTR -> l > r ? 1 : 0;
      case LSS -> l < r ? 1 : 0;
      case GTE -> l >= r ? 1 : 0;
      case LTE -> l <= r ? 1 : 0;
      default -> throw new IllegalStateException("not an arithmetic or comparison operator: " + op);
    };
  }

  /** Go's math.Pow, which differs from Java's for a base of 1 or -1. */
  static double pow(double x, double y) {
    if (x == 1 || (x == -1 && Double.isInfinite(y))) {
      return 1;
    }
    return Math.pow(x, y);
  }

  static double scalarScalar(BinaryOp op, double l, double r, boolean returnBool) {
    return apply(op, l, r);
  }

  private static boolean dropsName(Binary b) {
    return !b.op().isComparison() || b.returnBool();
  }

  private static List<Elem> vectorScalar(Binary b, List<Elem> vec, double scalar, boolean scalarLeft, long t) {
    List<Elem> out = new ArrayList<>(vec.size());
    boolean drop = dropsName(b);
    for (Elem el : vec) {
      double l = scalarLeft ? scalar : el.value();
      double r = scalarLeft ? el.value() : scalar;
      double v = apply(b.op(), l, r);
      if (b.op().isComparison() && !b.returnBool()) {
        if (v == 0) {
          continue;
        }
        v = el.value();
      }
      out.add(new Elem(drop ? Evaluator.dropName(el.labels()) : el.labels(), v, t));
    }
    return out;
  }

  /** The matching signature: the {@code on} labels, or all but the ignored ones and the name. */
  static Labels signature(Labels l, VectorMatching m) {
    Labels.Builder b = Labels.builder();
    if (m.on()) {
      for (String n : m.labels()) {
        b.put(n, l.get(n));
      }
    } else {
      for (Labels.Label lb : l.list()) {
        if (!lb.name().equals(Labels.NAME) && !m.labels().contains(lb.name())) {
          b.put(lb.name(), lb.value());
        }
      }
    }
    return b.build();
  }

  private static List<Elem> and(List<Elem> lhs, List<Elem> rhs, VectorMatching m, boolean keepMatching) {
    Set<Labels> right = new HashSet<>();
    for (Elem el : rhs) {
      right.add(signature(el.labels(), m));
    }
    List<Elem> out = new ArrayList<>();
    for (Elem el : lhs) {
      if (right.contains(signature(el.labels(), m)) == keepMatching) {
        out.add(el);
      }
    }
    return out;
  }

  private static List<Elem> or(List<Elem> lhs, List<Elem> rhs, VectorMatching m) {
    Set<Labels> left = new HashSet<>();
    List<Elem> out = new ArrayList<>(lhs);
    for (Elem el : lhs) {
      left.add(signature(el.labels(), m));
    }
    for (Elem el : rhs) {
      if (!left.contains(signature(el.labels(), m))) {
        out.add(el);
      }
    }
    return out;
  }

  private static List<Elem> vectorVector(Binary b, List<Elem> lhs, List<Elem> rhs, VectorMatching m, long t) {
    boolean oneToMany = m.cardinality() == Cardinality.ONE_TO_MANY;
    List<Elem> many = oneToMany ? rhs : lhs;
    List<Elem> one = oneToMany ? lhs : rhs;
    Map<Labels, Elem> oneSide = new HashMap<>();
    for (Elem el : one) {
      Labels sig = signature(el.labels(), m);
      if (oneSide.putIfAbsent(sig, el) != null) {
        String side = oneToMany ? "left" : "right";
        throw Evaluator.execution("found duplicate series for the match group " + sig + " on the " + side
            + " hand-side of the operation: [" + oneSide.get(sig).labels() + ", " + el.labels()
            + "]; many-to-many matching not allowed: matching labels must be unique on one side");
      }
    }
    boolean drop = dropsName(b);
    Set<Labels> matchedSigs = new HashSet<>();
    Set<Labels> results = new HashSet<>();
    List<Elem> out = new ArrayList<>();
    for (Elem el : many) {
      Labels sig = signature(el.labels(), m);
      Elem other = oneSide.get(sig);
      if (other == null) {
        continue;
      }
      double l = oneToMany ? other.value() : el.value();
      double r = oneToMany ? el.value() : other.value();
      double v = apply(b.op(), l, r);
      if (b.op().isComparison() && !b.returnBool()) {
        if (v == 0) {
          continue;
        }
        v = l;
      }
      Labels labels = resultLabels(el.labels(), other.labels(), m, drop);
      if (m.cardinality() == Cardinality.ONE_TO_ONE) {
        if (!matchedSigs.add(sig)) {
          throw Evaluator.execution("multiple matches for labels " + sig
              + ": many-to-one matching must be explicit (group_left/group_right)");
        }
      } else if (!results.add(labels)) {
        throw Evaluator.execution("multiple matches for labels " + labels
            + ": grouping labels must ensure unique matches");
      }
      out.add(new Elem(labels, v, t));
    }
    return out;
  }

  private static Labels resultLabels(Labels base, Labels other, VectorMatching m, boolean dropName) {
    Labels.Builder b = base.toBuilder();
    if (dropName) {
      b.remove(Labels.NAME);
    }
    if (m.cardinality() == Cardinality.ONE_TO_ONE) {
      if (m.on()) {
        Labels.Builder kept = Labels.builder();
        for (String n : m.labels()) {
          kept.put(n, b.get(n));
        }
        b = kept;
      } else {
        for (String n : m.labels()) {
          b.remove(n);
        }
      }
    }
    for (String n : m.include()) {
      b.put(n, other.get(n));
    }
    return b.build();
  }
}
