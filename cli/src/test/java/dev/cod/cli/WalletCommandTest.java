package dev.cod.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cod.payments.Keystore;
import dev.cod.testing.LogCapture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Keys;

/** {@code cod wallet new | import | list} as a user types them: keystores, permissions, passwords, logs. */
class WalletCommandTest {
  private static final String SECRET = "cli-wallet-secret-b71d";

  record Run(int exitCode, String out, String err) {}

  /** A terminal whose person types the given answers, in order. */
  static Prompter typing(String... answers) {
    Deque<String> queue = new ArrayDeque<>(List.of(answers));
    return new Prompter() {
      @Override
      public Optional<String> readLine(String prompt) {
        return Optional.ofNullable(queue.poll());
      }

      @Override
      public Optional<char[]> readPassword(String prompt) {
        return Optional.ofNullable(queue.poll()).map(String::toCharArray);
      }
    };
  }

  static Run cod(Map<String, String> env, Prompter prompter, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Cod cod = new Cod();
    cod.env = env;
    cod.prompter = prompter;
    var cl = Cod.commandLine(cod);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  static String field(String output, String name) {
    Matcher m = Pattern.compile("^" + name + ": (\\S+)$", Pattern.MULTILINE).matcher(output);
    assertThat(m.find()).as("'%s:' in%n%s", name, output).isTrue();
    return m.group(1);
  }

  @Test
  void newWalletsFromAPasswordFileTheEnvironmentOrThePromptNeverLeakTheSecret(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("home/.cod/wallets");
    Path pwFile = tmp.resolve("pw");
    Keystore.writePassword(pwFile, SECRET);
    Run fromFile;
    Run fromEnv;
    Run fromPrompt;
    Run mismatch;
    Run noTerminal;
    Run listed;
    try (LogCapture logs = new LogCapture()) {
      fromFile = cod(Map.of(), DevnetHarness.NO_TERMINAL, "wallet", "new", "--dir", dir.toString(), "--password-file",
          pwFile.toString());
      // COD_WALLET_DIR instead of --dir, the password from COD_WALLET_PASSWORD
      fromEnv = cod(Map.of("COD_WALLET_DIR", dir.toString(), "COD_WALLET_PASSWORD", SECRET), DevnetHarness.NO_TERMINAL,
          "wallet", "new");
      fromPrompt = cod(Map.of(), typing(SECRET, SECRET), "wallet", "new", "--dir", dir.toString());
      mismatch = cod(Map.of(), typing(SECRET, SECRET + "typo"), "wallet", "new", "--dir", dir.toString());
      noTerminal = cod(Map.of(), DevnetHarness.NO_TERMINAL, "wallet", "new", "--dir", dir.toString());
      listed = cod(Map.of(), DevnetHarness.NO_TERMINAL, "wallet", "list", "--dir", dir.toString());
      assertThat(logs.lines()).as("the capture sees the store's lines").anyMatch(l -> l.contains("wrote wallet"));
      logs.assertNoneContains(SECRET);
    }
    for (Run r : List.of(fromFile, fromEnv, fromPrompt)) {
      assertThat(r.exitCode()).as(r.err()).isZero();
      assertThat(field(r.out(), "address")).matches("0x[0-9a-f]{40}");
      assertThat(field(r.out(), "f410f")).startsWith("f410f");
      assertThat(field(r.out(), "t410f")).startsWith("t410f");
      assertThat(r.out() + r.err()).doesNotContain(SECRET);
      Path keystore = Path.of(field(r.out(), "keystore"));
      assertThat(keystore.getParent()).isEqualTo(dir.toAbsolutePath());
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keystore))).isEqualTo("rw-------");
      assertThat(new ObjectMapper().readTree(keystore.toFile()).path("crypto").path("kdfparams").path("n").asInt())
          .isEqualTo(262144);
      assertThat(Keystore.load(keystore, SECRET).getAddress()).isEqualTo(field(r.out(), "address"));
      assertThat(listed.out()).contains(field(r.out(), "address")).contains(field(r.out(), "f410f"));
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    assertThat(mismatch.exitCode()).isEqualTo(1);
    assertThat(mismatch.err()).contains("passwords typed differ").doesNotContain(SECRET);
    assertThat(noTerminal.exitCode()).isEqualTo(1);
    assertThat(noTerminal.err()).contains("no terminal").contains("--password-file").contains("COD_WALLET_PASSWORD");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.count()).as("a refused wallet leaves no file").isEqualTo(3);
    }
  }

  @Test
  void aPasswordIsNeverACommandLineArgumentAndAnOpenPasswordFileIsRefused(@TempDir Path tmp) throws Exception {
    Run asArgument = cod(Map.of(), DevnetHarness.NO_TERMINAL, "wallet", "new", "--dir", tmp.toString(), "--password", SECRET);
    assertThat(asArgument.exitCode()).isNotZero();
    assertThat(asArgument.err()).contains("Unknown option").contains("--password-file");
    Path open = tmp.resolve("pw");
    Keystore.writePassword(open, SECRET);
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    Run refused = cod(Map.of(), DevnetHarness.NO_TERMINAL, "wallet", "new", "--dir", tmp.resolve("w").toString(),
        "--password-file", open.toString());
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains("readable by others").contains("chmod 600").doesNotContain(SECRET);
  }

  @Test
  void importsAKeyFileOrAKeystoreAndRefusesAWrongPassword(@TempDir Path tmp) throws Exception {
    var key = Keys.createEcKeyPair();
    String hex = String.format("%064x", key.getPrivateKey());
    Path keyFile = tmp.resolve("key");
    Keystore.writePassword(keyFile, hex);
    Path dir = tmp.resolve("wallets");
    Map<String, String> env = Map.of("COD_WALLET_PASSWORD", SECRET);
    Run imported;
    Run wrong;
    Run fromKeystore;
    Path other = Keystore.write(tmp.resolve("elsewhere"), Keys.createEcKeyPair(), SECRET, false);
    try (LogCapture logs = new LogCapture()) {
      imported = cod(env, DevnetHarness.NO_TERMINAL, "wallet", "import", "--dir", dir.toString(), "--private-key-file",
          keyFile.toString());
      wrong = cod(Map.of("COD_WALLET_PASSWORD", "not-" + SECRET), DevnetHarness.NO_TERMINAL, "wallet", "import", "--dir",
          dir.toString(), "--keystore", other.toString());
      fromKeystore = cod(env, DevnetHarness.NO_TERMINAL, "wallet", "import", "--dir", dir.toString(), "--keystore",
          other.toString());
      logs.assertNoneContains(SECRET, hex);
    }
    assertThat(imported.exitCode()).as(imported.err()).isZero();
    assertThat(field(imported.out(), "address")).isEqualTo("0x" + Keys.getAddress(key));
    assertThat(imported.out() + imported.err()).doesNotContain(hex);
    assertThat(wrong.exitCode()).isEqualTo(1);
    assertThat(wrong.err()).contains("wrong password").doesNotContain(SECRET);
    assertThat(fromKeystore.exitCode()).as(fromKeystore.err()).isZero();
    Run listed = cod(Map.of(), DevnetHarness.NO_TERMINAL, "wallet", "list", "--dir", dir.toString());
    assertThat(listed.out().lines()).hasSize(2);
    Run again = cod(env, DevnetHarness.NO_TERMINAL, "wallet", "import", "--dir", dir.toString(), "--private-key-file",
        keyFile.toString());
    assertThat(again.err()).contains("already in");
  }
}
