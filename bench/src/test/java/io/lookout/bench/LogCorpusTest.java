package io.lookout.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogCorpusTest {
  private static final long ANCHOR = 1_764_151_200_000_000_000L;

  private static LogCorpus corpus(long seed, long planned) {
    return LogCorpus.of(Samples.LINES, CorpusConfig.of(seed, planned, ANCHOR));
  }

  @Test
  void sameSeedGivesSameRecords() {
    LogCorpus a = corpus(42, 1000);
    LogCorpus b = corpus(42, 1000);
    for (long i = 0; i < 1000; i++) {
      assertThat(b.record(i)).isEqualTo(a.record(i));
    }
  }

  @Test
  void otherSeedGivesOtherRecords() {
    LogCorpus a = corpus(42, 1000);
    LogCorpus b = corpus(43, 1000);
    long same = LongStream.range(0, 1000).filter(i -> a.record(i).body().equals(b.record(i).body())).count();
    assertThat(same).isLessThan(50);
    assertThat(b.needleToken()).isEqualTo("needle43");
  }

  @Test
  void encodingIsTheSameForAnyThreadCount() {
    LogCorpus c = corpus(7, 5000);
    List<OtlpBatch> one = OtlpBatch.encodeAll(c, 5000, 700, 1);
    List<OtlpBatch> three = OtlpBatch.encodeAll(c, 5000, 700, 3);
    assertThat(three).isEqualTo(one);
    assertThat(one).hasSize(8);
    assertThat(one.stream().mapToInt(OtlpBatch::records).sum()).isEqualTo(5000);
  }

  @Test
  void plantsExactlyTheConfiguredNeedles() {
    LogCorpus c = LogCorpus.of(Samples.LINES, CorpusConfig.of(42, 10_007, ANCHOR).withNeedles(100));
    long planted = 0;
    for (long i = 0; i < 20_000; i++) {
      GeneratedLog g = c.record(i);
      assertThat(g.needle()).isEqualTo(c.isNeedle(i));
      assertThat(g.body().contains("needle42")).isEqualTo(g.needle());
      if (g.needle()) {
        planted++;
        assertThat(i).isLessThan(10_007);
      }
      assertThat(c.needleCount(i + 1)).isEqualTo(planted);
    }
    assertThat(planted).isEqualTo(100);
    assertThat(c.needleCount(10_007)).isEqualTo(100);
  }

  @Test
  void noNeedlesWhenNoneAsked() {
    LogCorpus c = LogCorpus.of(Samples.LINES, CorpusConfig.of(42, 1000, ANCHOR).withNeedles(0));
    assertThat(LongStream.range(0, 1000).filter(c::isNeedle).count()).isZero();
    assertThat(c.needleCount(1000)).isZero();
  }

  @Test
  void replacesNumbersHexIdsAndAddressesKeepingTheText() {
    LogCorpus c = corpus(1, 1000);
    Set<String> hdfsBodies = new HashSet<>();
    for (long i = 0; i < 2000; i++) {
      GeneratedLog g = c.record(i);
      if (g.body().contains("INFO dfs.FSNamesystem")) {
        hdfsBodies.add(g.body());
        assertThat(g.body())
            .matches("\\d{1,3} INFO dfs\\.FSNamesystem: BLOCK\\* NameSystem\\.addStoredBlock: blockMap updated: "
                + "\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}:\\d{5} is added to blk_\\d{19} size \\d{8}( needle1)?")
            .doesNotContain("10.251.73.220", "7128370237687728475");
      }
      if (g.body().startsWith("jk2_init()")) {
        assertThat(g.body()).matches("jk2_init\\(\\) Found child \\d{4} in scoreboard slot \\d{2}( needle1)?");
      }
    }
    assertThat(hdfsBodies).hasSizeGreaterThan(50);
  }

  @Test
  void dropsTheOriginalTimestampAndReadsTheSeverity() {
    LogCorpus c = corpus(3, 1000);
    for (long i = 0; i < 500; i++) {
      GeneratedLog g = c.record(i);
      assertThat(g.body()).doesNotContain("2005", "081109 ", "2015-07-29", "Dec 10");
      String expected;
      if (g.body().contains("INFO ") || g.body().startsWith("[notice] ")) {
        expected = "INFO";
      } else if (g.body().startsWith("WARN ")) {
        expected = "WARN";
      } else if (g.body().startsWith("ERROR ") || g.body().startsWith("[error] ") || g.body().contains("]: error:")) {
        expected = "ERROR";
      } else {
        expected = "";
      }
      assertThat(g.severityText()).as(g.body()).isEqualTo(expected);
      assertThat(g.severityNumber()).isEqualTo(
          switch (expected) {
            case "INFO" -> g.service().equals("Apache") ? 10 : 9;
            case "WARN" -> 13;
            case "ERROR" -> 17;
            default -> 0;
          });
    }
  }

  @Test
  void spreadsTimestampsInOrderOverTheLastDay() {
    LogCorpus c = corpus(5, 10_000);
    long window = Duration.ofHours(24).toNanos();
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (long i = 0; i < 10_000; i++) {
      long t = c.record(i).timestampNanos();
      assertThat(t).isBetween(ANCHOR - window, ANCHOR);
      long expected = ANCHOR - window + window * i / 10_000;
      assertThat(Math.abs(t - expected)).isLessThanOrEqualTo(Duration.ofSeconds(5).toNanos() + 1);
      min = Math.min(min, t);
      max = Math.max(max, t);
    }
    assertThat(max - min).isGreaterThan(window - Duration.ofMinutes(1).toNanos());
  }

  @Test
  void givesEachRecordAttributesFromThePools() {
    LogCorpus c = LogCorpus.of(Samples.LINES, CorpusConfig.of(9, 1000, ANCHOR).withTraceFraction(0.5));
    Set<String> hosts = new HashSet<>();
    long traced = 0;
    for (long i = 0; i < 2000; i++) {
      GeneratedLog g = c.record(i);
      hosts.add(g.hostName());
      assertThat(g.requestId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
      if (!g.traceId().isEmpty()) {
        traced++;
        assertThat(g.traceId()).matches("[0-9a-f]{32}");
        assertThat(g.spanId()).matches("[0-9a-f]{16}");
      }
    }
    assertThat(hosts).hasSize(LogCorpus.HOSTS);
    assertThat(traced).isBetween(800L, 1200L);
    assertThat(c.services()).containsExactly("Apache", "HDFS", "OpenSSH", "Zookeeper");
    assertThat(LongStream.range(0, 1000).filter(i -> !corpus(9, 1000).record(i).traceId().isEmpty()).count())
        .as("no trace ids by default").isZero();
  }

  @Test
  void loadsOneServicePerFile(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("Spark_2k.log"),
        "17/06/09 20:10:40 INFO spark.SecurityManager: Changing view acls to: yarn,curi\n");
    Files.writeString(dir.resolve("HealthApp_2k.log"),
        "20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579\n\n");
    Files.writeString(dir.resolve("README.md"), "not a log\n");
    LogCorpus c = LogCorpus.load(dir, CorpusConfig.of(1, 100, ANCHOR).withNeedles(0));
    assertThat(c.services()).containsExactly("HealthApp", "Spark");
    assertThat(c.templateCount()).isEqualTo(2);
    Set<String> bodies = new HashSet<>();
    for (long i = 0; i < 50; i++) {
      bodies.add(c.record(i).body().replaceAll("\\d", "#"));
    }
    assertThat(bodies).containsExactlyInAnyOrder(
        "INFO spark.SecurityManager: Changing view acls to: yarn,curi",
        "Step_LSC|########|onStandStepChanged ####");
  }

  @Test
  void refusesAnEmptyDirectory(@TempDir Path dir) {
    assertThatThrownBy(() -> LogCorpus.load(dir, CorpusConfig.of(1, 100, ANCHOR)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no *.log files");
  }
}
