package io.lookout.model.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The identity of a series: label pairs sorted by name (in code point order, which is the byte
 * order of their UTF-8 form, as Prometheus sorts), without duplicate names and without empty
 * values (an empty value means the label is absent). The metric name is the {@code __name__}
 * label.
 */
public record Labels(List<Label> list) implements Comparable<Labels> {
  /** The label that holds the metric name. */
  public static final String NAME = "__name__";

  public static final Labels EMPTY = new Labels(List.of());

  /** Orders strings by code point, i.e. by their UTF-8 bytes. */
  public static final Comparator<String> NAME_ORDER = Labels::compareCodePoints;

  /** One label pair; both parts non-null. */
  public record Label(String name, String value) {
    public Label {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * @throws IllegalArgumentException when the pairs are not sorted by name, a name repeats or a
   *     value is empty
   */
  public Labels {
    list = List.copyOf(list);
    for (int i = 0; i < list.size(); i++) {
      Label l = list.get(i);
      if (l.value().isEmpty()) {
        throw new IllegalArgumentException("label '" + l.name() + "' has an empty value");
      }
      if (i > 0 && compareCodePoints(list.get(i - 1).name(), l.name()) >= 0) {
        throw new IllegalArgumentException(
            "labels not sorted by name or duplicated: '" + list.get(i - 1).name() + "' before '" + l.name() + "'");
      }
    }
  }

  /** Labels from alternating names and values, in any order; empty values are left out. */
  public static Labels of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("names and values must come in pairs");
    }
    Builder b = builder();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      b.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return b.build();
  }

  /** Labels from a map, in any order; empty values are left out. */
  public static Labels of(Map<String, String> map) {
    Builder b = builder();
    map.forEach(b::put);
    return b.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these labels. */
  public Builder toBuilder() {
    Builder b = new Builder();
    for (Label l : list) {
      b.put(l.name(), l.value());
    }
    return b;
  }

  /** The value of a label, or null when absent. */
  public String get(String name) {
    int lo = 0;
    int hi = list.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = compareCodePoints(list.get(mid).name(), name);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return list.get(mid).value();
      }
    }
    return null;
  }

  /** The metric name ({@code __name__}), or the empty string when absent. */
  public String metricName() {
    String n = get(NAME);
    return n == null ? "" : n;
  }

  public int size() {
    return list.size();
  }

  public boolean isEmpty() {
    return list.isEmpty();
  }

  /** As a map sorted like the labels. */
  public Map<String, String> toMap() {
    Map<String, String> m = new TreeMap<>(NAME_ORDER);
    for (Label l : list) {
      m.put(l.name(), l.value());
    }
    return Collections.unmodifiableMap(m);
  }

  @Override
  public int compareTo(Labels o) {
    int n = Math.min(list.size(), o.list.size());
    for (int i = 0; i < n; i++) {
      int c = compareCodePoints(list.get(i).name(), o.list.get(i).name());
      if (c != 0) {
        return c;
      }
      c = compareCodePoints(list.get(i).value(), o.list.get(i).value());
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(list.size(), o.list.size());
  }

  /** Prometheus's notation: {@code {__name__="up", job="api"}}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < list.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      Label l = list.get(i);
      sb.append(l.name()).append("=\"");
      for (int j = 0; j < l.value().length(); j++) {
        char c = l.value().charAt(j);
        switch (c) {
          case '\\' -> sb.append("\\\\");
          case '"' -> sb.append("\\\"");
          case '\n' -> sb.append("\\n");
          default -> sb.append(c);
        }
      }
      sb.append('"');
    }
    return sb.append('}').toString();
  }

  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /** Collects labels in any order; a later value for a name replaces the earlier one. */
  public static final class Builder {
    private final TreeMap<String, String> map = new TreeMap<>(NAME_ORDER);

    private Builder() {}

    /** Sets a label; an empty or null value removes it. */
    public Builder put(String name, String value) {
      Objects.requireNonNull(name, "name");
      if (value == null || value.isEmpty()) {
        map.remove(name);
      } else {
        map.put(name, value);
      }
      return this;
    }

    public Builder remove(String name) {
      map.remove(name);
      return this;
    }

    public String get(String name) {
      return map.get(name);
    }

    public Labels build() {
      List<Label> l = new ArrayList<>(map.size());
      map.forEach((k, v) -> l.add(new Label(k, v)));
      return new Labels(l);
    }
  }
}
