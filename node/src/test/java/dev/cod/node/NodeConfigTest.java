package dev.cod.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.node.exec.ResultLayout;
import dev.cod.node.exec.wasm.WasmConfig;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {
  private static final String MARKET = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

  /**
   * Every key the file may hold; paths relative to the file. The address is quoted, as in the devnet
   * files: unquoted, YAML reads 0x… as a hexadecimal integer.
   */
  private static final String FULL = """
      name: provider-1
      rpcUrl: http://127.0.0.1:8545
      market: "%s"
      startBlock: 42
      keystore: keys/provider.json
      passwordFile: secrets/password.txt
      ipfsApi: http://localhost:5001
      dockerHost: unix:///run/user/1000/docker.sock
      dataDir: data
      minerId: 1000
      price: 0.0125 FIL
      stake: "2.000000000000000001 FIL"
      pollIntervalMillis: 250
      confirmations: 3
      maxInputBytes: 1048576
      wasmMode: interpreter
      wasmMaxOutputEntries: 100
      lotusUrl: http://127.0.0.1:1234/rpc/v1
      lotusTokenFile: secrets/lotus-token
      boosterHttpUrl: http://127.0.0.1:7777
      deals: [12, 7, 4242]
      dealsFile: deals.txt
      """.formatted(MARKET);

  @TempDir Path tmp;

  private Path write(String yaml) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("etc"));
    return Files.writeString(dir.resolve("node.yaml"), yaml);
  }

  private static String replace(String text, String from, String to) {
    assertThat(text).as("mutation target").contains(from);
    return text.replace(from, to);
  }

  @Test
  void aFileWithEveryKeyLoads() throws IOException {
    Path file = write(FULL);
    Path dir = file.toAbsolutePath().getParent();

    NodeConfig c = NodeConfig.load(file, Map.of());

    assertThat(c.name()).isEqualTo("provider-1");
    assertThat(c.rpcUrl()).isEqualTo("http://127.0.0.1:8545");
    assertThat(c.market()).isEqualTo(MARKET);
    assertThat(c.startBlock()).isEqualTo(42);
    assertThat(c.keystore()).isEqualTo(dir.resolve("keys/provider.json"));
    assertThat(c.passwordFile()).isEqualTo(dir.resolve("secrets/password.txt"));
    assertThat(c.dataDir()).isEqualTo(dir.resolve("data"));
    assertThat(c.keystore()).isAbsolute();
    assertThat(c.ipfsApi()).isEqualTo(URI.create("http://localhost:5001"));
    assertThat(c.dockerHost()).isEqualTo(URI.create("unix:///run/user/1000/docker.sock"));
    assertThat(c.minerId()).isEqualTo(1000);
    assertThat(c.price().attoFil()).isEqualTo(new BigInteger("12500000000000000"));
    assertThat(c.stake().attoFil()).isEqualTo(new BigInteger("2000000000000000001"));
    assertThat(c.pollInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.confirmations()).isEqualTo(3);
    assertThat(c.maxInputBytes()).isEqualTo(1 << 20);
    assertThat(c.wasm().mode()).isEqualTo(WasmConfig.Mode.INTERPRETER);
    assertThat(c.wasm().maxOutputEntries()).isEqualTo(100);
    assertThat(c.filecoin().enabled()).isTrue();
    assertThat(c.filecoin().lotusUrl()).isEqualTo(URI.create("http://127.0.0.1:1234/rpc/v1"));
    assertThat(c.filecoin().lotusTokenFile()).isEqualTo(dir.resolve("secrets/lotus-token"));
    assertThat(c.filecoin().boosterHttpUrl()).isEqualTo(URI.create("http://127.0.0.1:7777"));
    assertThat(c.filecoin().deals()).containsExactly(12L, 7L, 4242L);
    assertThat(c.filecoin().dealsFile()).isEqualTo(dir.resolve("deals.txt"));
  }

  @Test
  void theDealsFileIsReadAgainAtEachLookupAfterTheInlineDeals() throws IOException {
    NodeConfig c = NodeConfig.load(write(FULL), Map.of());
    Path deals = c.filecoin().dealsFile();
    assertThat(c.filecoin().currentDeals()).as("no file yet").containsExactly(12L, 7L, 4242L);

    Files.writeString(deals, "# deals of f01000\n99\n\n100  # the weather piece\n");
    assertThat(c.filecoin().currentDeals()).containsExactly(12L, 7L, 4242L, 99L, 100L);

    Files.writeString(deals, "99\nninety\n");
    assertThatThrownBy(() -> c.filecoin().currentDeals())
        .isInstanceOf(CodException.class)
        .hasMessageContaining("line 2")
        .hasMessageContaining("ninety");
  }

  @Test
  void withoutLotusANodeTakesNoPieceJobsAndDealsComeFromTheEnvironmentToo() throws IOException {
    String none = FULL.substring(0, FULL.indexOf("lotusUrl:"));
    assertThat(NodeConfig.load(write(none), Map.of()).filecoin()).isEqualTo(FilecoinConfig.DISABLED);
    assertThat(NodeConfig.load(write(none), Map.of()).filecoin().enabled()).isFalse();

    NodeConfig c = NodeConfig.load(write(FULL), Map.of("COD_DEALS", "5, 6"));
    assertThat(c.filecoin().deals()).containsExactly(5L, 6L);
  }

  @Test
  void aPartialOrMalformedFilecoinSettingIsRefused() throws IOException {
    assertThatThrownBy(() -> NodeConfig.load(write(replace(FULL, "boosterHttpUrl: http://127.0.0.1:7777\n", "")),
        Map.of()))
        .isInstanceOf(CodException.class)
        .hasMessageContaining("lotusUrl, lotusTokenFile and boosterHttpUrl go together");
    assertThatThrownBy(() -> NodeConfig.load(write(replace(FULL, "deals: [12, 7, 4242]", "deals: [12, seven]")),
        Map.of()))
        .isInstanceOf(CodException.class)
        .hasMessageContaining("'deals'")
        .hasMessageContaining("seven");
    assertThatThrownBy(() -> NodeConfig.load(write(replace(FULL, "deals: [12, 7, 4242]", "deals: [-1]")), Map.of()))
        .isInstanceOf(CodException.class)
        .hasMessageContaining("deal IDs >= 0");
    assertThatThrownBy(() -> NodeConfig.load(write(replace(FULL, "http://127.0.0.1:7777", "ftp://127.0.0.1:7777")),
        Map.of()))
        .isInstanceOf(CodException.class)
        .hasMessageContaining("http(s) URL");
  }

  @Test
  void wasmDefaultsToTheCompilerAndTheLargestFileCount() throws IOException {
    String yaml = replace(replace(FULL, "wasmMode: interpreter\n", ""), "wasmMaxOutputEntries: 100\n", "");

    NodeConfig c = NodeConfig.load(write(yaml), Map.of());

    assertThat(c.wasm().mode()).isEqualTo(WasmConfig.Mode.COMPILER);
    assertThat(c.wasm().maxOutputEntries()).isEqualTo(ResultLayout.MAX_OUTPUT_ENTRIES);
  }

  @Test
  void aBadWasmSettingIsRefusedWithItsKey() throws IOException {
    assertThatThrownBy(() -> NodeConfig.load(write(replace(FULL, "wasmMode: interpreter", "wasmMode: jit")), Map.of()))
        .isInstanceOf(CodException.class)
        .hasMessageContaining("'wasmMode'")
        .hasMessageContaining("compiler or interpreter")
        .hasMessageContaining("jit");
    for (String bad : new String[] {"0", "-3", "many", String.valueOf(ResultLayout.MAX_OUTPUT_ENTRIES + 1L)}) {
      assertThatThrownBy(() -> NodeConfig.load(write(replace(FULL, "wasmMaxOutputEntries: 100",
          "wasmMaxOutputEntries: " + bad)), Map.of()))
          .as(bad)
          .isInstanceOf(CodException.class)
          .hasMessageContaining("'wasmMaxOutputEntries'")
          .hasMessageContaining(bad);
    }
    assertThat(NodeConfig.load(write(FULL), Map.of("COD_WASM_MODE", "compiler")).wasm().mode())
        .as("the environment overrides the file")
        .isEqualTo(WasmConfig.Mode.COMPILER);
  }

  @Test
  void unitlessAmountsWrittenAsYamlNumbersAreExact() throws IOException {
    Path file = write(replace(replace(FULL, "price: 0.0125 FIL", "price: 0.123456789012345678"),
        "stake: \"2.000000000000000001 FIL\"", "stake: 2.000000000000000001"));

    NodeConfig c = NodeConfig.load(file, Map.of());

    assertThat(c.price().attoFil()).isEqualTo(new BigInteger("123456789012345678"));
    assertThat(c.stake().attoFil()).isEqualTo(new BigInteger("2000000000000000001"));
  }

  @Test
  void absolutePathsStayAsWritten() throws IOException {
    Path keystore = tmp.resolve("elsewhere/key.json").toAbsolutePath();
    NodeConfig c = NodeConfig.load(write(replace(FULL, "keystore: keys/provider.json", "keystore: " + keystore)),
        Map.of());

    assertThat(c.keystore()).isEqualTo(keystore);
  }

  @Test
  void missingOptionalKeysTakeDefaults() throws IOException {
    Path file = write("""
        rpcUrl: http://127.0.0.1:8545
        market: '%s'
        keystore: key.json
        passwordFile: password
        price: 1 milliFIL
        """.formatted(MARKET));

    NodeConfig c = NodeConfig.load(file, Map.of());

    assertThat(c.name()).isEqualTo("provider");
    assertThat(c.ipfsApi()).isEqualTo(URI.create("http://127.0.0.1:5001"));
    assertThat(c.dockerHost()).isEqualTo(URI.create("unix:///var/run/docker.sock"));
    assertThat(c.dataDir()).isEqualTo(file.toAbsolutePath().getParent().resolve("node-data"));
    assertThat(c.price().attoFil()).isEqualTo(BigInteger.TEN.pow(15));
    assertThat(c.stake().attoFil()).isEqualTo(BigInteger.TEN.pow(18));
    assertThat(c.pollInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.maxInputBytes()).isEqualTo(1L << 30);
  }

  @Test
  void theEnvironmentOverridesTheFile() throws IOException {
    Path file = write(FULL);

    NodeConfig c = NodeConfig.load(file, Map.of(
        "COD_RPC_URL", "http://127.0.0.1:1234/rpc/v1",
        "COD_IPFS_API", "http://127.0.0.1:5002",
        "COD_POLL_INTERVAL_MILLIS", "1000",
        "RPC_URL", "http://ignored:1"));

    assertThat(c.rpcUrl()).isEqualTo("http://127.0.0.1:1234/rpc/v1");
    assertThat(c.ipfsApi()).isEqualTo(URI.create("http://127.0.0.1:5002"));
    assertThat(c.pollInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.market()).isEqualTo(MARKET);
  }

  @Test
  void aBlankEnvironmentVariableDoesNotOverride() throws IOException {
    NodeConfig c = NodeConfig.load(write(FULL), Map.of("COD_RPC_URL", " "));

    assertThat(c.rpcUrl()).isEqualTo("http://127.0.0.1:8545");
  }

  @Test
  void theEnvironmentCanSupplyARequiredKey() throws IOException {
    Path file = write(replace(FULL, "rpcUrl: http://127.0.0.1:8545\n", ""));

    assertThat(NodeConfig.load(file, Map.of("COD_RPC_URL", "http://127.0.0.1:8545")).rpcUrl())
        .isEqualTo("http://127.0.0.1:8545");
  }

  @Test
  void aMissingRpcUrlIsNamed() throws IOException {
    Path file = write(replace(FULL, "rpcUrl: http://127.0.0.1:8545\n", ""));

    assertInvalid(() -> NodeConfig.load(file, Map.of()), "'rpcUrl'", "found nothing");
  }

  @Test
  void aNonLoopbackIpfsApiIsRejected() throws IOException {
    Path file = write(replace(FULL, "ipfsApi: http://localhost:5001", "ipfsApi: http://10.0.0.5:5001"));

    assertInvalid(() -> NodeConfig.load(file, Map.of()), "'ipfsApi'", "http://10.0.0.5:5001");
  }

  @Test
  void aNonLoopbackIpfsApiFromTheEnvironmentIsRejected() throws IOException {
    Path file = write(FULL);

    assertInvalid(() -> NodeConfig.load(file, Map.of("COD_IPFS_API", "http://localhost@10.0.0.5:5001")),
        "'ipfsApi'", "loopback");
  }

  @Test
  void aTcpDockerHostIsRejected() throws IOException {
    Path file = write(replace(FULL, "dockerHost: unix:///run/user/1000/docker.sock",
        "dockerHost: tcp://127.0.0.1:2375"));

    assertInvalid(() -> NodeConfig.load(file, Map.of()), "'dockerHost'", "tcp://127.0.0.1:2375");
  }

  @Test
  void aMalformedMarketAddressIsRejected() throws IOException {
    Path file = write(replace(FULL, MARKET, "0x5FbDB2315678afecb367f032d93F642f64180aa"));

    assertInvalid(() -> NodeConfig.load(file, Map.of()), "'market'", "40 hex digits");
  }

  @Test
  void aFileThatIsNotAMappingIsRejected() throws IOException {
    Path file = write("- rpcUrl\n- market\n");

    assertInvalid(() -> NodeConfig.load(file, Map.of()), file.toString(), "YAML mapping");
  }

  private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String... fragments) {
    var thrown = assertThatThrownBy(call)
        .isInstanceOfSatisfying(CodException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT));
    for (String fragment : fragments) {
      thrown.hasMessageContaining(fragment);
    }
  }
}
