package dev.cod.node.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDirectorySourceTest {
  @TempDir Path tmp;
  private Path data;
  private Path secret;
  private Path inputs;
  private LocalDirectorySource source;

  @BeforeEach
  void setUp() throws Exception {
    data = Files.createDirectories(tmp.resolve("data"));
    secret = Files.createDirectories(tmp.resolve("secret"));
    inputs = Files.createDirectories(tmp.resolve("inputs"));
    Files.writeString(data.resolve("weather.csv"), "date,precipitation\n2012-01-01,0.0\n");
    Files.createDirectories(data.resolve("set/sub"));
    Files.writeString(data.resolve("set/a.txt"), "a");
    Files.writeString(data.resolve("set/sub/b.txt"), "bb");
    Files.writeString(secret.resolve("key"), "do not copy");
    source = new LocalDirectorySource(List.of(data));
  }

  private List<Path> inputsContent() throws Exception {
    try (Stream<Path> list = Files.list(inputs)) {
      return list.toList();
    }
  }

  private static void assertRefused(Runnable fetch, String... fragments) {
    assertThatThrownBy(fetch::run)
        .isInstanceOf(CodException.class)
        .satisfies(e -> assertThat(((CodException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
        .hasMessageContaining("allowed roots")
        .hasMessageContainingAll(fragments);
  }

  @Test
  void copiesAFileAndADirectoryTreeFromAnAllowedRoot() throws Exception {
    source.fetch(data.resolve("weather.csv").toString(), inputs.resolve("weather.csv"), 1000);
    source.fetch(data.resolve("set").toString(), inputs.resolve("set"), 1000);

    assertThat(Files.readString(inputs.resolve("weather.csv")))
        .isEqualTo("date,precipitation\n2012-01-01,0.0\n");
    assertThat(Files.readString(inputs.resolve("set/a.txt"))).isEqualTo("a");
    assertThat(Files.readString(inputs.resolve("set/sub/b.txt"))).isEqualTo("bb");
    assertThat(source.type()).isEqualTo("local");
  }

  @Test
  void refusesPathsOutsideTheRootsAndNamesTheAllowList() throws Exception {
    assertRefused(
        () -> source.fetch(secret.resolve("key").toString(), inputs.resolve("key"), 1000),
        "outside the allowed roots", data.toRealPath().toString());
    assertThat(inputsContent()).isEmpty();
  }

  @Test
  void refusesDotDotEvenWhenItWouldLandInside() {
    String sneaky = data + "/set/../weather.csv";
    assertRefused(() -> source.fetch(sneaky, inputs.resolve("w"), 1000), "without '..'");
    String escape = data + "/../secret/key";
    assertRefused(() -> source.fetch(escape, inputs.resolve("k"), 1000), "without '..'");
  }

  @Test
  void refusesRelativePaths() {
    assertRefused(() -> source.fetch("data/weather.csv", inputs.resolve("w"), 1000), "absolute path");
  }

  @Test
  void refusesALinkThatEscapesTheRootButCopiesOneThatStaysInside() throws Exception {
    Files.createSymbolicLink(data.resolve("escape"), secret.resolve("key"));
    Files.createSymbolicLink(data.resolve("set/inside"), data.resolve("weather.csv"));

    assertRefused(
        () -> source.fetch(data.resolve("escape").toString(), inputs.resolve("e"), 1000),
        "outside the allowed roots");

    source.fetch(data.resolve("set").toString(), inputs.resolve("set"), 1000);
    assertThat(Files.isSymbolicLink(inputs.resolve("set/inside"))).isFalse();
    assertThat(Files.readString(inputs.resolve("set/inside"))).startsWith("date,precipitation");

    Files.createSymbolicLink(data.resolve("set/sub/out"), secret.resolve("key"));
    assertRefused(
        () -> source.fetch(data.resolve("set").toString(), inputs.resolve("set2"), 1000),
        "points to " + secret.toRealPath().resolve("key"), "outside its root");
    assertThat(inputs.resolve("set2")).doesNotExist();
    assertThat(inputsContent()).containsExactly(inputs.resolve("set"));
  }

  @Test
  void refusesALinkedDirectoryInsideATree() throws Exception {
    Files.createSymbolicLink(data.resolve("set/loop"), data.resolve("set"));

    assertRefused(
        () -> source.fetch(data.resolve("set").toString(), inputs.resolve("set"), 1000),
        "links to directories are not copied");
    assertThat(inputsContent()).isEmpty();
  }

  @Test
  void aRootGivenThroughALinkIsCanonicalised() throws Exception {
    Path link = Files.createSymbolicLink(tmp.resolve("data-link"), data);
    LocalDirectorySource viaLink = new LocalDirectorySource(List.of(link));

    assertThat(viaLink.allowedRoots()).containsExactly(data.toRealPath());
    viaLink.fetch(link.resolve("weather.csv").toString(), inputs.resolve("w.csv"), 1000);
    assertThat(inputs.resolve("w.csv")).exists();
  }

  @Test
  void enforcesTheSizeLimitAndLeavesNothing() throws Exception {
    assertThatThrownBy(() -> source.fetch(data.resolve("set").toString(), inputs.resolve("set"), 2))
        .hasMessageContaining("at most 2 bytes");
    assertThat(inputsContent()).isEmpty();
  }

  @Test
  void missingInputsAndBadRootsAreClear() {
    assertThatThrownBy(() -> source.fetch(data.resolve("nope").toString(), inputs.resolve("n"), 10))
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> new LocalDirectorySource(List.of()))
        .hasMessageContaining("at least one allowed root");
    assertThatThrownBy(() -> new LocalDirectorySource(List.of(data.resolve("weather.csv"))))
        .hasMessageContaining("to be a directory");
    assertThatThrownBy(() -> new LocalDirectorySource(List.of(tmp.resolve("missing"))))
        .hasMessageContaining("existing directory");
  }
}
