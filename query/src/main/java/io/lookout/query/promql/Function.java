package io.lookout.query.promql;

import java.util.List;
import java.util.Objects;

/**
 * A PromQL function's signature.
 *
 * @param argTypes the type of each argument; arguments past the end take the last type
 * @param minArgs the fewest arguments accepted
 * @param maxArgs the most arguments accepted, or -1 for no limit
 * @param experimental whether Prometheus puts it behind the experimental-functions flag
 */
public record Function(
    String name,
    List<ValueType> argTypes,
    int minArgs,
    int maxArgs,
    ValueType returnType,
    boolean experimental) {
  public Function {
    Objects.requireNonNull(name, "name");
    argTypes = List.copyOf(argTypes);
    Objects.requireNonNull(returnType, "returnType");
    if (minArgs < 0 || (maxArgs >= 0 && maxArgs < minArgs) || maxArgs > argTypes.size()) {
      throw new IllegalArgumentException("bad arity for function " + name);
    }
  }

  /** The expected type of argument {@code index} (0-based). */
  public ValueType argType(int index) {
    return argTypes.get(Math.min(index, argTypes.size() - 1));
  }

  /** Whether the last argument type may repeat without limit. */
  public boolean variadic() {
    return maxArgs < 0;
  }
}
