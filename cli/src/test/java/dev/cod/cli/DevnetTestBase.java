package dev.cod.cli;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end tests on a devnet of their own: started before the class's tests, stopped after. */
abstract class DevnetTestBase {
  static DevnetHarness harness;
  static Path hardhatDir;
  static Devnet devnet;
  static Path dir;

  @BeforeAll
  static void startDevnet(@TempDir Path tmp) {
    harness = DevnetHarness.start(tmp);
    hardhatDir = harness.hardhatDir;
    devnet = harness.devnet;
    dir = harness.dir;
  }

  @AfterAll
  static void stopDevnet() {
    if (harness != null) {
      harness.close();
      harness = null;
    }
  }

  /** Runs {@code cod --config <devnet>/client.yaml ARGS...} in-process. */
  static DevnetHarness.Run cod(String... args) {
    return harness.cod(args);
  }

  /** The value of a {@code name: value} line the CLI printed. */
  static String field(String output, String name) {
    return DevnetHarness.field(output, name);
  }
}
