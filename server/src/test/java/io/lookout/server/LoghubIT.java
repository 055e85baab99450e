package io.lookout.server;

import static io.lookout.server.Http.data;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The loghub samples (real logs of eight systems) are ingested over OTLP/HTTP; for each file a
 * needle term that occurs only in that file (its rarest) is found, exactly as often as it occurs.
 */
class LoghubIT {
  private static InProcessServer lookout;

  @BeforeAll
  static void start() throws Exception {
    lookout = new InProcessServer();
  }

  @AfterAll
  static void stop() throws Exception {
    lookout.close();
  }

  static Path loghub() {
    return Path.of(System.getProperty("lookout.loghub", "../testdata/loghub"));
  }

  private static Set<String> tokens(String line) {
    Set<String> out = new java.util.HashSet<>();
    for (String t : line.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (t.length() >= 5 && !t.chars().allMatch(Character::isDigit)) {
        out.add(t);
      }
    }
    return out;
  }

  @Test
  void everyLoghubFileHasItsNeedleFound() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(loghub())) {
      files = s.filter(p -> p.toString().endsWith(".log")).sorted().toList();
    }
    assertThat(files).hasSize(8);

    Map<String, List<String>> lines = new TreeMap<>();
    Map<String, Map<String, Integer>> lineCounts = new HashMap<>();
    Map<String, Integer> filesPerToken = new HashMap<>();
    for (Path f : files) {
      String service = f.getFileName().toString().replace("_2k.log", "").toLowerCase(Locale.ROOT);
      List<String> ls = Files.readAllLines(f, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
      lines.put(service, ls);
      Map<String, Integer> counts = new HashMap<>();
      for (String l : ls) {
        for (String t : tokens(l)) {
          counts.merge(t, 1, Integer::sum);
        }
      }
      lineCounts.put(service, counts);
      counts.keySet().forEach(t -> filesPerToken.merge(t, 1, Integer::sum));
    }

    for (var e : lines.entrySet()) {
      List<String> ls = e.getValue();
      for (int from = 0; from < ls.size(); from += 500) {
        var r = Http.post(lookout.otlpHttp() + "/v1/logs", "application/x-protobuf",
            OtlpRequests.logs(e.getKey(), ls.subList(from, Math.min(ls.size(), from + 500))).toByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
      }
    }
    int total = lines.values().stream().mapToInt(List::size).sum();
    Http.await("all " + total + " loghub lines searchable", Duration.ofSeconds(30), () -> {
      JsonNode h = data(Http.get(lookout.api() + "/api/v1/logs/histogram?query=*&start=now-1h&end=now%2B1m&step=1h"));
      long n = 0;
      for (JsonNode b : h.get("buckets")) {
        n += b.get("count").asLong();
      }
      return n == total;
    });

    List<String> checked = new ArrayList<>();
    for (var e : lineCounts.entrySet()) {
      String service = e.getKey();
      // The needle: the rarest term found only in this file (ties: first alphabetically).
      String needle = new TreeMap<>(e.getValue()).entrySet().stream()
          .filter(t -> filesPerToken.get(t.getKey()) == 1)
          .min(Map.Entry.<String, Integer>comparingByValue())
          .map(Map.Entry::getKey)
          .orElseThrow();
      int expected = e.getValue().get(needle);
      JsonNode hits = data(Http.get(lookout.api() + "/api/v1/logs?query=" + needle + "&start=now-1h&end=now%2B1m"))
          .get("hits");
      assertThat(hits).as("needle %s of %s", needle, service).hasSize(expected);
      for (JsonNode h : hits) {
        assertThat(h.get("service").asText()).isEqualTo(service);
        assertThat(tokens(h.get("body").asText())).contains(needle);
      }
      checked.add(service + ":" + needle);
    }
    assertThat(checked).hasSize(8);
  }
}
