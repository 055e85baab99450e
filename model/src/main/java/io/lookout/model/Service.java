package io.lookout.model;

/** Service naming conventions shared by every signal. */
public final class Service {
  /** Name used when a resource carries no {@code service.name}, as the OTel SDKs do. */
  public static final String UNKNOWN = "unknown_service";

  /** The resource attribute that names the service. */
  public static final String NAME_ATTRIBUTE = "service.name";

  private Service() {}
}
