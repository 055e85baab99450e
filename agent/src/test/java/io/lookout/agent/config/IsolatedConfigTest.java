package io.lookout.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IsolatedConfigTest {
  @TempDir Path tmp;

  @Test
  void readsTheSameConfigAsTheLoaderWithTheCallersTypes() throws Exception {
    Path f = tmp.resolve("agent.yaml");
    Files.writeString(f, """
        endpoint: http://lookout:4318
        batch: {timeout: 250ms}
        files:
          - paths: ["/var/log/app/*.log"]
            service: ${SERVICE}
        """);
    Map<String, String> env = Map.of("SERVICE", "checkout", "LOOKOUT_AGENT_TENANT", "acme");

    AgentConfig isolated = IsolatedConfig.load(f, env);

    assertThat(isolated.getClass()).isSameAs(AgentConfig.class);
    assertThat(isolated).isEqualTo(ConfigLoader.load(f, env));
    assertThat(isolated.tenant()).isEqualTo("acme");
    assertThat(isolated.batch().timeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(isolated.files().getFirst().service()).isEqualTo("checkout");
  }

  @Test
  void aBadConfigIsTheCallersConfigExceptionWithFileLineAndColumn() throws Exception {
    Path f = tmp.resolve("bad.yaml");
    Files.writeString(f, "endpoint: http://lookout:4318\nbufer: {max_bytes: 1GiB}\n");
    String expected;
    try {
      ConfigLoader.load(f, Map.of());
      throw new AssertionError("expected a ConfigException");
    } catch (ConfigException e) {
      expected = e.getMessage();
    }

    assertThatThrownBy(() -> IsolatedConfig.load(f, Map.of()))
        .isExactlyInstanceOf(ConfigException.class)
        .hasMessage(expected)
        .hasMessageStartingWith(f + ":2:");
  }

  @Test
  void theThrowawayLoaderCanBeCollected() throws Exception {
    Path f = tmp.resolve("agent.yaml");
    Files.writeString(f, "endpoint: http://lookout:4318\n");
    var before = IsolatedConfig.lastLoader;
    IsolatedConfig.load(f, Map.of());
    assertThat(IsolatedConfig.lastLoader).as("a throwaway loader was used").isNotSameAs(before);

    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    // load() already asks for a full collection; it is usually gone by now
    while (IsolatedConfig.lastLoader.get() != null) {
      assertThat(System.nanoTime()).as("the config class loader is still reachable").isLessThan(deadline);
      System.gc();
      Thread.sleep(10);
    }
  }
}
