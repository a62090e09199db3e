package dev.cod.node.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultLayoutTest {

  @TempDir Path tmp;
  private Path produced;
  private Path stdout;
  private Path stderr;

  @BeforeEach
  void produce() throws IOException {
    produced = Files.createDirectories(tmp.resolve("produced"));
    Files.createDirectories(produced.resolve("sub"));
    Files.writeString(produced.resolve("a.csv"), "x,1\n");
    Files.writeString(produced.resolve("sub/b.txt"), "bb");
    Files.setPosixFilePermissions(produced.resolve("a.csv"), PosixFilePermissions.fromString("rwx------"));
    stdout = Files.writeString(tmp.resolve("out"), "hello\n");
    stderr = Files.writeString(tmp.resolve("err"), "");
  }

  @Test
  void writesTheLayoutWithFixedModesAndTimes() throws IOException {
    ResultLayout layout = ResultLayout.at(tmp.resolve("result"));
    layout.prepare();

    ResultLayout.Sizes sizes = layout.write(produced, stdout, stderr, 3, 1000);

    assertThat(sizes).isEqualTo(new ResultLayout.Sizes(6, 6, 0));
    assertThat(layout.exitCode()).hasBinaryContent("3".getBytes(StandardCharsets.US_ASCII));
    assertThat(layout.stdout()).hasContent("hello");
    assertThat(layout.stderr()).isEmptyFile();
    assertThat(layout.outputs().resolve("a.csv")).hasContent("x,1");
    assertThat(layout.outputs().resolve("sub/b.txt")).hasContent("bb");
    try (Stream<Path> all = Files.walk(layout.root())) {
      for (Path p : all.toList()) {
        assertThat(Files.getLastModifiedTime(p)).as(p.toString()).isEqualTo(FileTime.fromMillis(0));
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        assertThat(mode).as(p.toString()).isEqualTo(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--");
      }
    }
  }

  @Test
  void overTheLimitLeavesTheResultEmpty() throws IOException {
    ResultLayout layout = ResultLayout.at(tmp.resolve("result"));
    layout.prepare();

    assertThatThrownBy(() -> layout.write(produced, stdout, stderr, 0, 11))
        .isInstanceOfSatisfying(
            CodException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EXECUTION_FAILED))
        .hasMessageContaining("maxOutputBytes=11")
        .hasMessageContaining("12 bytes");
    assertThat(layout.root()).isEmptyDirectory();
  }

  @Test
  void rejectsSymbolicLinksInOutputs() throws IOException {
    Files.createSymbolicLink(produced.resolve("sub/passwd"), Path.of("/etc/passwd"));
    ResultLayout layout = ResultLayout.at(tmp.resolve("result"));
    layout.prepare();

    assertThatThrownBy(() -> layout.write(produced, stdout, stderr, 0, 1 << 20))
        .isInstanceOf(CodException.class)
        .hasMessageContaining("symbolic link at outputs/sub/passwd");
    assertThat(layout.root()).isEmptyDirectory();
  }

  @Test
  void prepareRefusesANonEmptyDirectory() throws IOException {
    ResultLayout layout = ResultLayout.at(tmp.resolve("result"));
    layout.prepare();
    Files.writeString(layout.root().resolve("stale"), "x");

    assertThatThrownBy(layout::prepare)
        .isInstanceOfSatisfying(
            CodException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
        .hasMessageContaining("must be empty");
  }

  @Test
  void measureCountsRegularFileBytes() {
    assertThat(ResultLayout.measure(produced, true)).isEqualTo(6);
    assertThat(ResultLayout.measure(tmp.resolve("missing"), false)).isZero();
  }
}
