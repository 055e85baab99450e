package io.lookout.alerting.rules;

import java.util.List;

/** Go's fmt.Sprintf for the verbs alert templates use: %s %v %d %f %g %e %q %% with width-less precision. */
final class Printf {
  private Printf() {}

  static String format(String fmt, List<Object> args) {
    StringBuilder out = new StringBuilder();
    int arg = 0;
    for (int i = 0; i < fmt.length(); i++) {
      char c = fmt.charAt(i);
      if (c != '%' || i + 1 >= fmt.length()) {
        out.append(c);
        continue;
      }
      int j = i + 1;
      int prec = -1;
      if (fmt.charAt(j) == '.') {
        int k = j + 1;
        while (k < fmt.length() && Character.isDigit(fmt.charAt(k))) {
          k++;
        }
        prec = k == j + 1 ? 0 : Integer.parseInt(fmt.substring(j + 1, k));
        j = k;
      }
      if (j >= fmt.length()) {
        out.append(fmt, i, j);
        break;
      }
      char verb = fmt.charAt(j);
      i = j;
      if (verb == '%') {
        out.append('%');
        continue;
      }
      if (arg >= args.size()) {
        out.append("%!").append(verb).append("(MISSING)");
        continue;
      }
      Object a = args.get(arg++);
      out.append(switch (verb) {
        case 's', 'v' -> Template.print(a);
        case 'q' -> "\"" + Template.print(a).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        case 'd' -> a instanceof Double d ? (d == Math.rint(d) ? Long.toString(d.longValue()) : "%!d(float64=" + GoFormat.v(d) + ")")
            : "%!d(string=" + a + ")";
        case 'f', 'F' -> a instanceof Double d ? GoFormat.f(d, prec < 0 ? 6 : prec) : "%!f(string=" + a + ")";
        case 'g' -> a instanceof Double d ? GoFormat.g(d, prec) : "%!g(string=" + a + ")";
        case 'e' -> a instanceof Double d ? eFormat(d, prec < 0 ? 6 : prec) : "%!e(string=" + a + ")";
        default -> "%!" + verb + "(" + Template.print(a) + ")";
      });
    }
    return out.toString();
  }

  private static String eFormat(double d, int prec) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return GoFormat.e(d);
    }
    String s = String.format(java.util.Locale.ROOT, "%." + prec + "e", d);
    int e = s.indexOf('e');
    String exp = s.substring(e + 1);
    char sign = exp.charAt(0);
    String digits = exp.substring(1).replaceFirst("^0+(?=\\d\\d)", "");
    return s.substring(0, e) + "e" + sign + digits;
  }
}
