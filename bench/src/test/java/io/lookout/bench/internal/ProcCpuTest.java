package io.lookout.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcCpuTest {
  @Test
  void utimePlusStimeEvenWithSpacesAndParensInTheCommand() {
    String stat = "1234 (java (x) y) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 30 0 123 456 789";
    assertThat(ProcCpu.parse(stat)).isEqualTo(3.25);
  }

  @Test
  void readsThisProcess() {
    assertThat(ProcCpu.seconds(ProcessHandle.current().pid())).isPositive();
  }

  @Test
  void rejectsGarbage() {
    assertThatThrownBy(() -> ProcCpu.parse("no parens")).hasMessageContaining("no ')'");
    assertThatThrownBy(() -> ProcCpu.parse("1 (x) S 1 2")).hasMessageContaining("at least 15");
  }
}
