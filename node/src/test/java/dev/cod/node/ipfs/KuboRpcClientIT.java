package dev.cod.node.ipfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.cid.Cid;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KuboRpcClient} against a real offline Kubo started with {@link KuboDaemon}. Root CIDs are
 * checked against the {@code ipfs add --only-hash} of the CLI run on a second, daemon-less repo.
 */
@Tag("ipfs")
class KuboRpcClientIT {
  private static final int CHUNK = 262_144;

  @TempDir static Path tmp;
  private static Path binary;
  private static Path cliRepo;
  private static KuboDaemon daemon;
  private static KuboRpcClient client;

  @BeforeAll
  static void startKubo() throws Exception {
    Optional<Path> found = KuboDaemon.findBinary();
    Assumptions.assumeTrue(found.isPresent(), "Kubo (ipfs binary) not found: set COD_IPFS_BIN");
    binary = found.get();
    daemon = KuboDaemon.start(binary, tmp.resolve("repo"));
    client = new KuboRpcClient(daemon.apiUrl());
    cliRepo = tmp.resolve("cli-repo");
    run(cliRepo, "init", "--profile=test");
  }

  @AfterAll
  static void stopKubo() {
    if (daemon != null) {
      daemon.close();
      assertThat(daemon.isAlive()).isFalse();
    }
  }

  @Test
  void daemonListensOnLoopbackAndAnswersVersion() {
    assertThat(daemon.apiUrl().getHost()).isEqualTo("127.0.0.1");
    assertThat(client.version()).matches("\\d+\\.\\d+\\.\\d+.*");
  }

  @Test
  void smallFileRoundTripsAndIsItsRawCid() throws Exception {
    byte[] content = "hello world".getBytes(StandardCharsets.US_ASCII);
    Path file = Files.write(Files.createDirectories(tmp.resolve("small")).resolve("hello.txt"), content);

    Cid cid = client.add(file);

    assertThat(cid.toString())
        .isEqualTo("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e")
        .isEqualTo(cliOnlyHash(file));
    assertThat(client.cat(cid, content.length)).isEqualTo(content);
    Path copy = tmp.resolve("small-copy/hello.txt");
    client.get(cid, copy, content.length);
    assertThat(copy).hasBinaryContent(content);
  }

  @Test
  void multiBlockFileRoundTrips() throws Exception {
    byte[] content = new byte[3 * CHUNK + 12_345];
    new Random(7).nextBytes(content);
    Path file = Files.write(Files.createDirectories(tmp.resolve("big")).resolve("blob.bin"), content);

    Cid cid = client.add(file);

    assertThat(cid.codec()).isEqualTo(Cid.DAG_PB);
    assertThat(cid.toString()).isEqualTo(cliOnlyHash(file));
    assertThat(client.cat(cid, content.length)).isEqualTo(content);
    Path copy = tmp.resolve("big-copy");
    client.get(cid, copy, content.length);
    assertThat(Files.readAllBytes(copy)).isEqualTo(content);
  }

  @Test
  void nestedDirectoryRoundTrips() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("tree/outputs"));
    Files.writeString(root.resolve("stdout"), "result 42\n");
    Files.write(root.resolve("exitCode"), new byte[0]);
    Files.writeString(root.resolve(".hidden"), "dot file");
    Files.writeString(root.resolve("a b+c %41 é.txt"), "odd name");
    Files.createDirectories(root.resolve("empty"));
    Path deep = Files.createDirectories(root.resolve("sub/deeper"));
    Files.writeString(deep.resolve("leaf.txt"), "deep leaf");
    byte[] big = new byte[CHUNK + 1];
    new Random(11).nextBytes(big);
    Files.write(root.resolve("sub/big.bin"), big);

    Cid cid = client.add(root);

    assertThat(cid.toString()).startsWith("bafybei").isEqualTo(cliOnlyHash(root));
    Path copy = tmp.resolve("tree-copy/outputs");
    client.get(cid, copy, 10L * CHUNK);
    assertThat(snapshot(copy)).isEqualTo(snapshot(root));
    assertThat(copy.resolve("empty")).isEmptyDirectory();
    assertThat(Files.list(copy.getParent()).map(p -> p.getFileName().toString()))
        .containsExactly("outputs"); // no staging directory left behind
  }

  @Test
  void emptyDirectoryRoundTrips() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("nothing/here"));

    Cid cid = client.add(empty);

    assertThat(cid.toString()).isEqualTo(cliOnlyHash(empty));
    Path copy = tmp.resolve("nothing-copy");
    client.get(cid, copy, 0);
    assertThat(copy).isEmptyDirectory();
  }

  @Test
  void catOverMaxBytesFailsAndGetLeavesNothing() throws Exception {
    byte[] content = new byte[CHUNK + 10];
    new Random(3).nextBytes(content);
    Path file = Files.write(Files.createDirectories(tmp.resolve("limit")).resolve("f"), content);
    Cid cid = client.add(file);

    assertThatThrownBy(() -> client.cat(cid, content.length - 1))
        .isInstanceOf(CodException.class)
        .satisfies(e -> assertThat(((CodException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
        .hasMessageContaining("at most " + (content.length - 1) + " bytes");
    Path target = tmp.resolve("limit-copy/f");
    assertThatThrownBy(() -> client.get(cid, target, 100)).isInstanceOf(CodException.class);
    assertThat(target).doesNotExist();
    assertThat(target.getParent()).isEmptyDirectory();
  }

  @Test
  void catOfADirectoryFails() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("adir"));
    Files.writeString(dir.resolve("x"), "x");
    Cid cid = client.add(dir);

    assertThatThrownBy(() -> client.cat(cid, 1000)).hasMessageContaining("is a UnixFS directory");
  }

  @Test
  void missingContentIsAnErrorAndLeavesNothing() {
    Cid absent = Cid.rawOf("never added anywhere".getBytes(StandardCharsets.US_ASCII));
    Path target = tmp.resolve("absent/x");

    assertThatThrownBy(() -> client.get(absent, target, 1000))
        .isInstanceOf(CodException.class)
        .hasMessageContaining("Kubo RPC dag/export failed");
    assertThat(target).doesNotExist();
    assertThat(target.getParent()).isEmptyDirectory();
  }

  @Test
  void pinSucceedsForAddedContent() throws Exception {
    Path file = Files.writeString(tmp.resolve("pinned.txt"), "pin me");
    Cid cid = client.add(file);

    client.pin(cid);
    client.pin(cid.toV1());
  }

  @Test
  void aTamperedExportFromKuboIsRejected() throws Exception {
    byte[] content = new byte[2 * CHUNK];
    new Random(5).nextBytes(content);
    Path file = Files.write(tmp.resolve("tamper.bin"), content);
    Cid cid = client.add(file);
    HttpResponse<byte[]> export =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(daemon.apiUrl() + "/api/v0/dag/export?arg=" + cid))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    byte[] car = export.body();
    assertThat(export.statusCode()).isEqualTo(200);
    car[car.length - 100] ^= 0x40;

    CarReader reader = CarReader.open(new ByteArrayInputStream(car), car.length);
    assertThat(reader.roots()).containsExactly(cid);
    assertThatThrownBy(
            () -> {
              while (reader.next().isPresent()) {
                // read on until the altered block
              }
            })
        .isInstanceOf(CodException.class)
        .satisfies(e -> assertThat(((CodException) e).code()).isEqualTo(ErrorCode.CONTENT_MISMATCH))
        .hasMessageContaining("does not hash to its CID");
  }

  @Test
  void aDirectoryEntryNamedDotDotIsRefusedAndNothingIsWritten() throws Exception {
    TestDag dag = new TestDag();
    Cid payload = dag.raw("would land outside".getBytes(StandardCharsets.US_ASCII));
    Cid root = dag.directory(Map.of("..", payload));
    importCar(dag.car(root));
    Path target = tmp.resolve("traversal/inside");

    assertThatThrownBy(() -> client.get(root, target, 1000))
        .isInstanceOf(CodException.class)
        .satisfies(e -> assertThat(((CodException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
        .hasMessageContaining("unsafe entry name \"..\"");
    assertThat(target.getParent()).isEmptyDirectory();
  }

  @Test
  void aDagWithAMissingBlockIsRefused() throws Exception {
    TestDag dag = new TestDag();
    Cid present = dag.raw("present".getBytes(StandardCharsets.US_ASCII));
    Cid root =
        dag.file(
            new byte[0],
            java.util.List.of(present, Cid.rawOf("absent".getBytes(StandardCharsets.US_ASCII))),
            java.util.List.of(7L, 6L));
    importCar(dag.car(root));
    Path target = tmp.resolve("incomplete/file");

    assertThatThrownBy(() -> client.get(root, target, 1000))
        .isInstanceOf(CodException.class)
        .satisfies(
            e -> assertThat(((CodException) e).code()).isEqualTo(ErrorCode.CONTENT_MISMATCH))
        .hasMessageContaining("is missing from the fetched DAG");
    assertThat(target.getParent()).isEmptyDirectory();
  }

  /** Puts a CAR's blocks into Kubo as they are ({@code dag/import}, roots not pinned). */
  private static void importCar(byte[] car) throws Exception {
    String boundary = "cod-test-boundary";
    byte[] head =
        ("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"test.car\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(daemon.apiUrl() + "/api/v0/dag/import?pin-roots=false"))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(
                        HttpRequest.BodyPublishers.concat(
                            HttpRequest.BodyPublishers.ofByteArray(head),
                            HttpRequest.BodyPublishers.ofByteArray(car),
                            HttpRequest.BodyPublishers.ofByteArray(tail)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  /** What the Kubo CLI computes for the same import parameters, in-process on its own repo. */
  private static String cliOnlyHash(Path path) throws Exception {
    return run(
            cliRepo,
            "add",
            "--only-hash",
            "--quieter",
            "--recursive",
            "--hidden",
            "--cid-version=1",
            "--raw-leaves",
            "--chunker=size-262144",
            path.toString())
        .strip();
  }

  private static String run(Path repo, String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = binary.toString();
    System.arraycopy(args, 0, command, 1, args.length);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("IPFS_PATH", repo.toString());
    builder.environment().put("IPFS_TELEMETRY", "off");
    Process process = builder.start();
    byte[] output = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String text = new String(output, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as("ipfs %s: %s", String.join(" ", args), text).isZero();
    return text;
  }

  /** Relative path → content ("<dir>" for directories) of every entry under {@code root}. */
  private static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> entries = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.toList()) {
        String key = root.relativize(p).toString();
        entries.put(
            key,
            Files.isDirectory(p)
                ? "<dir>"
                : java.util.HexFormat.of().formatHex(Files.readAllBytes(p)));
      }
    }
    return entries;
  }
}
