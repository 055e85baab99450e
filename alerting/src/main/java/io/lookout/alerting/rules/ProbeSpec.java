package io.lookout.alerting.rules;

import com.google.re2j.Pattern;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP health check.
 *
 * @param expectStatus the status that counts as success, 0 for any 2xx
 * @param bodyRegex a pattern (RE2, linear time) that must be found in the first
 *     {@link #MAX_BODY_BYTES} of the body, or null
 * @param tlsSkipVerify accept any server certificate (expiry is still reported)
 */
public record ProbeSpec(
    String name,
    String tenant,
    String url,
    String method,
    Duration interval,
    Duration timeout,
    int expectStatus,
    Pattern bodyRegex,
    Map<String, String> headers,
    boolean tlsSkipVerify,
    String source) {
  /** Bytes of a response body read at most (the regex sees only these). */
  public static final int MAX_BODY_BYTES = 64 * 1024;

  public ProbeSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(url, "url");
    headers = Map.copyOf(headers);
  }

  public String key() {
    return tenant + "\u0000" + name;
  }

  /** Whether two specs describe the same check (Pattern has no equals). */
  public boolean sameAs(ProbeSpec o) {
    return o != null && name.equals(o.name) && tenant.equals(o.tenant) && url.equals(o.url) && method.equals(o.method)
        && interval.equals(o.interval) && timeout.equals(o.timeout) && expectStatus == o.expectStatus
        && Objects.equals(bodyRegex == null ? null : bodyRegex.pattern(), o.bodyRegex == null ? null : o.bodyRegex.pattern())
        && headers.equals(o.headers) && tlsSkipVerify == o.tlsSkipVerify;
  }
}
