package io.lookout.ingest;

import io.lookout.model.Tenant;
import java.util.Objects;

/**
 * Decides who may send data to an ingest endpoint and under which tenant. The receivers call it
 * once per request, on the event loop, before reading the body; it must be fast and must not
 * block. The server supplies an implementation backed by its token table when authentication is
 * on; {@link #TRUST_ORG_ID} (the default) trusts the {@code X-Scope-OrgID} header.
 */
@FunctionalInterface
public interface IngestAuth {

  /** Trusts the client: the tenant is the {@code X-Scope-OrgID} header, {@code default} when absent. */
  IngestAuth TRUST_ORG_ID = (authorization, orgId) -> Result.ok(Tenant.resolve(orgId));

  /**
   * @param authorization the {@code Authorization} header (or gRPC metadata) as sent, or null
   * @param orgId the {@code X-Scope-OrgID} header (or gRPC metadata) as sent, or null
   * @return the tenant to write to, or a refusal
   * @throws io.lookout.model.LookoutException bad_data when the header names an invalid tenant
   */
  Result authenticate(String authorization, String orgId);

  /** What happened to the request: accepted for a tenant, or refused. */
  enum Outcome {
    OK,
    /** no or invalid credentials: HTTP 401, gRPC UNAUTHENTICATED */
    UNAUTHENTICATED,
    /** valid credentials without the ingest role: HTTP 403, gRPC PERMISSION_DENIED */
    FORBIDDEN
  }

  /**
   * @param tenant the tenant to write to when {@link Outcome#OK}, else null
   * @param message for refusals, what was wrong (never the credential itself)
   */
  record Result(Outcome outcome, String tenant, String message) {
    public Result {
      Objects.requireNonNull(outcome, "outcome");
      if (outcome == Outcome.OK) {
        Objects.requireNonNull(tenant, "tenant");
      } else {
        Objects.requireNonNull(message, "message");
      }
    }

    public static Result ok(String tenant) {
      return new Result(Outcome.OK, tenant, null);
    }

    public static Result unauthenticated(String message) {
      return new Result(Outcome.UNAUTHENTICATED, null, message);
    }

    public static Result forbidden(String message) {
      return new Result(Outcome.FORBIDDEN, null, message);
    }

    public boolean ok() {
      return outcome == Outcome.OK;
    }
  }
}
