package io.lookout.server;

import io.lookout.model.spi.CheckResult;
import java.util.function.Supplier;

/** Liveness and readiness state of the process, shown on /healthz and /readyz. */
final class Health {
  private volatile boolean ready;
  private volatile boolean stopping;
  private volatile Supplier<CheckResult> storage = () -> CheckResult.OK;

  void storage(Supplier<CheckResult> check) {
    this.storage = check;
  }

  void markReady() {
    ready = true;
  }

  void markStopping() {
    stopping = true;
  }

  /** Alive unless a component reports a failure it cannot recover from (e.g. a tragic index error). */
  CheckResult liveness() {
    try {
      return storage.get();
    } catch (RuntimeException e) {
      return CheckResult.failed("storage check failed: " + e.getMessage());
    }
  }

  CheckResult readiness() {
    if (stopping) {
      return CheckResult.failed("shutting down");
    }
    if (!ready) {
      return CheckResult.failed("starting: replaying the write-ahead log and opening indexes");
    }
    return liveness();
  }
}
