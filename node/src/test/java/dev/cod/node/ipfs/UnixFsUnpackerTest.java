package dev.cod.node.ipfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.cid.Cid;
import dev.cod.cid.Multihash;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixFsUnpackerTest {
  @TempDir Path tmp;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static ErrorCode codeOf(Throwable e) {
    return ((CodException) e).code();
  }

  @Test
  void readsAMultiBlockFileWithInlineData() {
    TestDag dag = new TestDag();
    Cid a = dag.raw(bytes("chunk-one|"));
    Cid b = dag.raw(bytes("chunk-two"));
    Cid inner = dag.file(new byte[0], List.of(a, b), List.of(10L, 9L));
    Cid root = dag.file(bytes("head|"), List.of(inner, a), List.of(19L, 10L));

    byte[] content = new UnixFsUnpacker(dag, 100).readFile(root);

    assertThat(new String(content, StandardCharsets.UTF_8))
        .isEqualTo("head|chunk-one|chunk-twochunk-one|");
  }

  @Test
  void readsARawRootAndAnIdentityLeaf() {
    TestDag dag = new TestDag();
    Cid raw = dag.raw(bytes("plain"));
    Cid identity = Cid.v1(Cid.RAW, Multihash.identity(bytes("inline")));
    Cid root = dag.file(new byte[0], List.of(raw, identity), List.of(5L, 6L));

    assertThat(new UnixFsUnpacker(dag, 100).readFile(raw)).isEqualTo(bytes("plain"));
    assertThat(new UnixFsUnpacker(dag, 100).readFile(root)).isEqualTo(bytes("plaininline"));
  }

  @Test
  void writesANestedTreeWithEmptyEntries() throws IOException {
    TestDag dag = new TestDag();
    Cid hello = dag.raw(bytes("hello"));
    Cid empty = dag.raw(new byte[0]);
    Cid emptyDir = dag.directory(Map.of());
    Map<String, Cid> sub = new LinkedHashMap<>();
    sub.put("deep.txt", hello);
    sub.put("nothing", emptyDir);
    Cid subDir = dag.directory(sub);
    Map<String, Cid> top = new LinkedHashMap<>();
    top.put("a b+c é.txt", hello);
    top.put("empty", empty);
    top.put("sub", subDir);
    Cid root = dag.directory(top);
    Path target = tmp.resolve("out");

    UnixFsUnpacker unpacker = new UnixFsUnpacker(dag, 100);
    unpacker.writeTo(root, target);

    assertThat(target.resolve("a b+c é.txt")).hasContent("hello");
    assertThat(Files.size(target.resolve("empty"))).isZero();
    assertThat(target.resolve("sub/deep.txt")).hasContent("hello");
    assertThat(target.resolve("sub/nothing")).isEmptyDirectory();
    assertThat(unpacker.contentBytes()).isEqualTo(10);
    assertThat(unpacker.entries()).isEqualTo(6);
  }

  @Test
  void aDirectoryIsNotAFile() {
    TestDag dag = new TestDag();
    Cid dir = dag.directory(Map.of());

    assertThatThrownBy(() -> new UnixFsUnpacker(dag, 100).readFile(dir))
        .isInstanceOf(CodException.class)
        .hasMessageContaining("is a UnixFS directory");
  }

  @Test
  void rejectsPathTraversalNames() {
    for (String name : List.of("..", ".", "", "a/b", "../escape", "nul\0byte")) {
      TestDag dag = new TestDag();
      Cid file = dag.raw(bytes("x"));
      Cid root = dag.directory(Map.of(name, file));
      Path target = tmp.resolve("t" + Math.abs(name.hashCode()));

      assertThatThrownBy(() -> new UnixFsUnpacker(dag, 100).writeTo(root, target))
          .isInstanceOf(CodException.class)
          .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.INVALID_INPUT))
          .hasMessageContaining("unsafe entry name");
      assertThat(tmp.resolve("escape")).doesNotExist();
    }
  }

  @Test
  void rejectsDuplicateNames() {
    TestDag dag = new TestDag();
    Cid file = dag.raw(bytes("x"));
    Cid root =
        dag.dagPb(
            List.of(new TestDag.Link(file, "same"), new TestDag.Link(file, "same")),
            TestDag.unixfs(1, null, -1, List.of()));

    assertThatThrownBy(() -> new UnixFsUnpacker(dag, 100).writeTo(root, tmp.resolve("dup")))
        .hasMessageContaining("twice");
  }

  @Test
  void rejectsAMissingBlock() {
    TestDag dag = new TestDag();
    Cid present = dag.raw(bytes("here"));
    Cid absent = Cid.rawOf(bytes("not in the CAR"));
    Cid root = dag.file(new byte[0], List.of(present, absent), List.of(4L, 14L));

    assertThatThrownBy(() -> new UnixFsUnpacker(dag, 100).readFile(root))
        .isInstanceOf(CodException.class)
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.CONTENT_MISMATCH))
        .hasMessageContaining("missing");
  }

  @Test
  void enforcesMaxBytesEvenWhenBlocksRepeat() {
    TestDag dag = new TestDag();
    Cid chunk = dag.raw(new byte[40]);
    Cid root = dag.file(new byte[0], List.of(chunk, chunk, chunk), List.of(40L, 40L, 40L));

    assertThat(new UnixFsUnpacker(dag, 120).readFile(root)).hasSize(120);
    assertThatThrownBy(() -> new UnixFsUnpacker(dag, 119).readFile(root))
        .isInstanceOf(CodException.class)
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.INVALID_INPUT))
        .hasMessageContaining("at most 119 bytes");
  }

  @Test
  void rejectsInconsistentSizes() {
    TestDag dag = new TestDag();
    Cid chunk = dag.raw(bytes("abc"));
    Cid wrongBlockSize =
        dag.dagPb(
            List.of(new TestDag.Link(chunk, null)), TestDag.unixfs(2, null, 3, List.of(4L)));
    Cid wrongFileSize =
        dag.dagPb(
            List.of(new TestDag.Link(chunk, null)), TestDag.unixfs(2, null, 5, List.of(3L)));
    Cid missingBlockSizes =
        dag.dagPb(List.of(new TestDag.Link(chunk, null)), TestDag.unixfs(2, null, 3, List.of()));

    assertThatThrownBy(() -> new UnixFsUnpacker(dag, 100).readFile(wrongBlockSize))
        .hasMessageContaining("claims child 0 holds 4 bytes, found 3");
    assertThatThrownBy(() -> new UnixFsUnpacker(dag, 100).readFile(wrongFileSize))
        .hasMessageContaining("claims filesize 5");
    assertThatThrownBy(() -> new UnixFsUnpacker(dag, 100).readFile(missingBlockSizes))
        .hasMessageContaining("blocksizes");
  }

  @Test
  void rejectsHamtShardsSymlinksAndOtherCodecs() {
    TestDag dag = new TestDag();
    Cid hamt = dag.unixfsNode(5);
    Cid symlink = dag.unixfsNode(4);
    Cid cbor = Cid.v1(Cid.DAG_CBOR, Multihash.sha256(new byte[] {(byte) 0xa0}));
    dag.blocks.put(cbor, new byte[] {(byte) 0xa0});

    assertThatThrownBy(() -> new UnixFsUnpacker(dag, 100).writeTo(hamt, tmp.resolve("h")))
        .hasMessageContaining("HAMT-sharded");
    assertThatThrownBy(() -> new UnixFsUnpacker(dag, 100).writeTo(symlink, tmp.resolve("s")))
        .hasMessageContaining("SYMLINK");
    assertThatThrownBy(() -> new UnixFsUnpacker(dag, 100).readFile(cbor))
        .hasMessageContaining("codec 0x71");
  }

  @Test
  void blockBufferSpillsToDiskAndUnpacksFromACar() throws IOException {
    TestDag dag = new TestDag();
    Cid a = dag.raw(bytes("first "));
    Cid b = dag.raw(bytes("second"));
    Cid file = dag.file(new byte[0], List.of(a, b), List.of(6L, 6L));
    Cid root = dag.directory(Map.of("f", file));
    byte[] car = dag.car(root);
    Path spill = tmp.resolve("spill");

    try (BlockBuffer buffer = BlockBuffer.spillingTo(spill)) {
      CarReader reader = CarReader.open(new ByteArrayInputStream(car), car.length);
      Optional<CarReader.Block> block;
      while ((block = reader.next()).isPresent()) {
        buffer.put(block.get().cid(), block.get().data());
      }
      assertThat(buffer.size()).isEqualTo(4);
      assertThat(Files.size(spill)).isPositive();
      new UnixFsUnpacker(buffer, 100).writeTo(root, tmp.resolve("tree"));
    }

    assertThat(spill).doesNotExist();
    assertThat(tmp.resolve("tree/f")).hasContent("first second");
  }
}
