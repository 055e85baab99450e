package io.lookout.model.limits;

/**
 * Where modules look up a tenant's limits and report a limit that was hit. The server's
 * implementation reads defaults from the environment and per-tenant overrides from
 * {@code LOOKOUT_LIMITS_FILE}, reloads that file when it changes, and counts every report in
 * {@code lookout_limits_exceeded_total{tenant,limit}}.
 */
public interface Limits {
  /** The limits of {@code tenant}; cheap, called on every request. */
  TenantLimits of(String tenant);

  /** Records that {@code tenant} hit {@code limit} (once per refused request or batch). */
  void exceeded(String tenant, Limit limit);

  /** The same limits for every tenant, with nothing counted (tests, embedded use). */
  static Limits fixed(TenantLimits limits) {
    return new Limits() {
      @Override
      public TenantLimits of(String tenant) {
        return limits;
      }

      @Override
      public void exceeded(String tenant, Limit limit) {}
    };
  }

  /** No per-tenant limits: only the modules' own settings apply. */
  static Limits none() {
    return fixed(TenantLimits.NONE);
  }
}
