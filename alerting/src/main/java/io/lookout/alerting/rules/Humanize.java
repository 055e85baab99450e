package io.lookout.alerting.rules;

/** Prometheus's humanize template functions, formatted as Go's {@code %.4g}. */
final class Humanize {
  private static final String[] BIG = {"k", "M", "G", "T", "P", "E", "Z", "Y"};
  private static final String[] BIG_1024 = {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"};
  private static final String[] SMALL = {"m", "u", "n", "p", "f", "a", "z", "y"};

  private Humanize() {}

  static String humanize(double v) {
    if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
      return GoFormat.g(v, 4);
    }
    if (Math.abs(v) >= 1) {
      String prefix = "";
      for (String p : BIG) {
        if (Math.abs(v) < 1000) {
          break;
        }
        prefix = p;
        v /= 1000;
      }
      return GoFormat.g(v, 4) + prefix;
    }
    String prefix = "";
    for (String p : SMALL) {
      if (Math.abs(v) >= 1) {
        break;
      }
      prefix = p;
      v *= 1000;
    }
    return GoFormat.g(v, 4) + prefix;
  }

  static String humanize1024(double v) {
    if (Math.abs(v) <= 1 || Double.isNaN(v) || Double.isInfinite(v)) {
      return GoFormat.g(v, 4);
    }
    String prefix = "";
    for (String p : BIG_1024) {
      if (Math.abs(v) < 1024) {
        break;
      }
      prefix = p;
      v /= 1024;
    }
    return GoFormat.g(v, 4) + prefix;
  }

  static String duration(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return GoFormat.g(v, 4);
    }
    if (v == 0) {
      return GoFormat.g(v, 4) + "s";
    }
    if (Math.abs(v) >= 1) {
      String sign = "";
      if (v < 0) {
        sign = "-";
        v = -v;
      }
      long d = (long) v;
      long seconds = d % 60;
      long minutes = (d / 60) % 60;
      long hours = (d / 3600) % 24;
      long days = d / 86400;
      if (days != 0) {
        return sign + days + "d " + hours + "h " + minutes + "m " + seconds + "s";
      }
      if (hours != 0) {
        return sign + hours + "h " + minutes + "m " + seconds + "s";
      }
      if (minutes != 0) {
        return sign + minutes + "m " + seconds + "s";
      }
      return sign + GoFormat.g(v, 4) + "s";
    }
    String prefix = "";
    for (String p : SMALL) {
      if (Math.abs(v) >= 1) {
        break;
      }
      prefix = p;
      v *= 1000;
    }
    return GoFormat.g(v, 4) + prefix + "s";
  }

  static String percentage(double v) {
    return GoFormat.g(v * 100, 4) + "%";
  }
}
