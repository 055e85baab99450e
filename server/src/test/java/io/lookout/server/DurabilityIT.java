package io.lookout.server;

import static io.lookout.server.Http.data;
import static io.lookout.server.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * kill -9 the server process while several clients are sending, restart it, and find exactly the
 * acknowledged records: none lost, none twice. Repeated over several rounds on one data
 * directory, so that replay after replay stays exact.
 */
class DurabilityIT {
  private static final int ROUNDS = 4;
  private static final int CLIENTS = 4;
  private static final int BATCH = 50;

  @Test
  void killNineLosesNoAcknowledgedRecordAndDuplicatesNone() throws Exception {
    Path dataDir = Files.createTempDirectory("lookout-durability-");
    // A short commit interval so that kills land before, during and after commits and WAL
    // segment deletion; small segments so that several are rolled and deleted.
    Map<String, String> env = ServerProcess.env(
        "LOOKOUT_COMMIT_INTERVAL", "700ms",
        "LOOKOUT_WAL_SEGMENT_BYTES", "256KiB");
    Map<Integer, Set<String>> ackedByRound = new HashMap<>();
    Map<Integer, Integer> sentByRound = new HashMap<>();

    for (int round = 0; round < ROUNDS; round++) {
      try (ServerProcess server = new ServerProcess(dataDir, env).start()) {
        // Everything acknowledged in earlier rounds survived the previous kill, exactly once.
        for (var e : ackedByRound.entrySet()) {
          assertExactlyOnce(server, e.getKey(), e.getValue(), sentByRound.get(e.getKey()));
        }
        Set<String> acked = ConcurrentHashMap.newKeySet();
        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        final int r = round;
        for (int c = 0; c < CLIENTS; c++) {
          final int client = c;
          pool.submit(() -> {
            for (int b = 0; !stop.get() && b < 10_000; b++) {
              List<String> bodies = new ArrayList<>();
              for (int i = 0; i < BATCH; i++) {
                bodies.add("rec r" + r + "c" + client + "b" + b + "i" + i + " round" + r);
              }
              sent.addAndGet(BATCH);
              try {
                var resp = Http.post(server.otlpHttp() + "/v1/logs", "application/x-protobuf",
                    OtlpRequests.logs("durability", bodies, OtlpRequests.kv("round", "r" + r)).toByteArray());
                if (resp.statusCode() == 200) {
                  acked.addAll(bodies);
                }
              } catch (RuntimeException e) {
                return; // the server was killed under us
              }
            }
          });
        }
        // Kill at a different point each round: after more or fewer acknowledged batches.
        int target = 1500 + round * 1700;
        Http.await("clients acknowledged " + target, Duration.ofSeconds(120), () -> acked.size() >= target);
        server.kill9();
        stop.set(true);
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        ackedByRound.put(round, acked);
        sentByRound.put(round, sent.get());
      }
    }
    try (ServerProcess server = new ServerProcess(dataDir, env).start()) {
      for (var e : ackedByRound.entrySet()) {
        assertExactlyOnce(server, e.getKey(), e.getValue(), sentByRound.get(e.getKey()));
      }
    }
  }

  /** Every acknowledged body once; bodies sent but not acknowledged at most once. */
  private static void assertExactlyOnce(ServerProcess server, int round, Set<String> acked, int sent) {
    Map<String, Integer> seen = new HashMap<>();
    String cursor = null;
    String base = server.api() + "/api/v1/logs?query=" + enc("round" + round) + "&start=now-1h&end=now%2B1h&limit=5000";
    do {
      JsonNode page = data(Http.get(base + (cursor == null ? "" : "&cursor=" + enc(cursor))));
      for (JsonNode hit : page.get("hits")) {
        seen.merge(hit.get("body").asText(), 1, Integer::sum);
      }
      cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
    } while (cursor != null);

    List<String> missing = acked.stream().filter(b -> !seen.containsKey(b)).limit(5).toList();
    List<String> twice = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).limit(5).toList();
    assertThat(acked).as("round %d acknowledged", round).isNotEmpty();
    assertThat(missing).as("round %d: acknowledged but lost (of %d acked)", round, acked.size()).isEmpty();
    assertThat(twice).as("round %d: stored more than once", round).isEmpty();
    assertThat(seen.size()).as("round %d: no more than was sent", round).isLessThanOrEqualTo(sent);
  }
}
