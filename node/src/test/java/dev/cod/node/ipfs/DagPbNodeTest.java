package dev.cod.node.ipfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.cid.Cid;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class DagPbNodeTest {
  /**
   * The block Kubo stores for the file "hello world" added as CIDv0 without raw leaves ({@code
   * ipfs block get Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD}).
   */
  private static final byte[] HELLO_WORLD_BLOCK =
      HexFormat.of().parseHex("0a110802120b68656c6c6f20776f726c64180b");

  @Test
  void decodesKubosHelloWorldFileNode() {
    assertThat(Cid.parse("Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD").multihash()
            .matches(HELLO_WORLD_BLOCK))
        .isTrue();

    DagPbNode node = DagPbNode.decode(HELLO_WORLD_BLOCK);
    UnixFsData fs = UnixFsData.decode(node.data());

    assertThat(node.links()).isEmpty();
    assertThat(fs.type()).isEqualTo(UnixFsData.Type.FILE);
    assertThat(new String(fs.data(), StandardCharsets.US_ASCII)).isEqualTo("hello world");
    assertThat(fs.fileSize()).isEqualTo(11);
    assertThat(fs.blockSizes()).isEmpty();
  }

  @Test
  void decodesLinks() {
    Cid a = Cid.rawOf(new byte[] {1});
    Cid b = Cid.rawOf(new byte[] {2});
    byte[] block =
        TestDag.encodeDagPb(
            List.of(new TestDag.Link(a, "a"), new TestDag.Link(b, "bé")),
            TestDag.unixfs(1, null, -1, List.of()));

    DagPbNode node = DagPbNode.decode(block);

    assertThat(node.links())
        .extracting(DagPbNode.Link::cid, DagPbNode.Link::name)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(a, "a"), org.assertj.core.groups.Tuple.tuple(b, "bé"));
    assertThat(UnixFsData.decode(node.data()).type()).isEqualTo(UnixFsData.Type.DIRECTORY);
  }

  @Test
  void emptyBlockIsAnEmptyNode() {
    DagPbNode node = DagPbNode.decode(new byte[0]);
    assertThat(node.links()).isEmpty();
    assertThat(node.data()).isEmpty();
  }

  @Test
  void readsPackedBlockSizes() {
    // Type=File(2), filesize=3, blocksizes packed [1, 2]
    byte[] unixfs = HexFormat.of().parseHex("0802" + "1803" + "22020102");
    UnixFsData fs = UnixFsData.decode(unixfs);
    assertThat(fs.blockSizes()).containsExactly(1L, 2L);
  }

  @Test
  void rejectsUnknownFieldsAndLinksWithoutHash() {
    assertThatThrownBy(() -> DagPbNode.decode(HexFormat.of().parseHex("1a00")))
        .isInstanceOf(CodException.class)
        .satisfies(e -> assertThat(((CodException) e).code()).isEqualTo(ErrorCode.CONTENT_MISMATCH))
        .hasMessageContaining("unexpected field 3");
    // a link holding only a Name
    assertThatThrownBy(() -> DagPbNode.decode(HexFormat.of().parseHex("120312016e")))
        .hasMessageContaining("no Hash");
    // Data twice
    assertThatThrownBy(() -> DagPbNode.decode(HexFormat.of().parseHex("0a000a00")))
        .hasMessageContaining("twice");
    // truncated
    assertThatThrownBy(() -> DagPbNode.decode(HexFormat.of().parseHex("0a05")))
        .isInstanceOf(CodException.class);
  }

  @Test
  void rejectsUnixFsWithoutOrWithUnknownType() {
    assertThatThrownBy(() -> UnixFsData.decode(HexFormat.of().parseHex("1200")))
        .hasMessageContaining("Type");
    assertThatThrownBy(() -> UnixFsData.decode(HexFormat.of().parseHex("0809")))
        .hasMessageContaining("unknown Type 9");
  }
}
