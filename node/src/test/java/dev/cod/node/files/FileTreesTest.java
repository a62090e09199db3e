package dev.cod.node.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.common.CodException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
  @TempDir Path tmp;

  @Test
  void sizeCountsRegularFilesOnlyAndFollowsNoLink() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("tree/a/b"));
    Files.write(tmp.resolve("tree/one"), new byte[100]);
    Files.write(root.resolve("two"), new byte[23]);
    Path outside = Files.write(tmp.resolve("outside"), new byte[5000]);
    Files.createSymbolicLink(tmp.resolve("tree/link"), outside);

    assertThat(FileTrees.size(tmp.resolve("tree"))).isEqualTo(123);
    assertThat(FileTrees.size(tmp.resolve("tree/one"))).isEqualTo(100);
  }

  @Test
  void deleteRemovesATreeWithReadOnlyPartsButNotWhatALinkPointsTo() throws Exception {
    Path tree = Files.createDirectories(tmp.resolve("job/result"));
    Files.write(tree.resolve("out.csv"), new byte[10]);
    Path outside = Files.write(tmp.resolve("keep"), new byte[1]);
    Files.createSymbolicLink(tree.resolve("link"), outside);
    Files.setPosixFilePermissions(tree, PosixFilePermissions.fromString("r-xr-xr-x"));

    FileTrees.delete(tmp.resolve("job"));

    assertThat(tmp.resolve("job")).doesNotExist();
    assertThat(outside).exists();
    FileTrees.delete(tmp.resolve("job")); // nothing to do
  }

  @Test
  void sizeOfAMissingPathIsAClearError() {
    assertThatThrownBy(() -> FileTrees.size(tmp.resolve("missing")))
        .isInstanceOf(CodException.class)
        .hasMessageContaining("missing");
  }
}
