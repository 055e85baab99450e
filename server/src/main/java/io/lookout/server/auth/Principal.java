package io.lookout.server.auth;

import java.util.Objects;
import java.util.Set;

/**
 * Who made a request, as established from its credential.
 *
 * @param subject who it is, for logs: a token's name or a JWT's {@code sub}; never the secret
 * @param tenant the tenant every read and write of the request is confined to
 * @param roles what it may do (see {@link Role#grants})
 * @param scheme how it was established: {@code token}, {@code jwt} or {@code session}
 */
public record Principal(String subject, String tenant, Set<Role> roles, String scheme) {
  public Principal {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(tenant, "tenant");
    roles = Set.copyOf(roles);
    Objects.requireNonNull(scheme, "scheme");
  }

  /** True when one of the roles grants {@code required}. */
  public boolean may(Role required) {
    for (Role r : roles) {
      if (r.grants(required)) {
        return true;
      }
    }
    return false;
  }
}
