package dev.cod.node.ipfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.cid.Cid;
import dev.cod.cid.Varint;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CarReaderTest {
  private static List<CarReader.Block> readAll(byte[] car, long max) throws IOException {
    CarReader reader = CarReader.open(new ByteArrayInputStream(car), max);
    List<CarReader.Block> blocks = new ArrayList<>();
    Optional<CarReader.Block> block;
    while ((block = reader.next()).isPresent()) {
      blocks.add(block.get());
    }
    return blocks;
  }

  private static TestDag smallDag() {
    TestDag dag = new TestDag();
    Cid a = dag.raw("alpha".getBytes(StandardCharsets.US_ASCII));
    Cid b = dag.raw("beta".getBytes(StandardCharsets.US_ASCII));
    dag.directory(Map.of("a", a));
    dag.file(new byte[0], List.of(a, b), List.of(5L, 4L));
    return dag;
  }

  @Test
  void readsRootsAndVerifiedBlocks() throws IOException {
    TestDag dag = smallDag();
    Cid root = new ArrayList<>(dag.blocks.keySet()).get(3);
    byte[] car = dag.car(root);

    CarReader reader = CarReader.open(new ByteArrayInputStream(car), car.length);
    assertThat(reader.roots()).containsExactly(root);
    List<CarReader.Block> blocks = readAll(car, car.length);

    assertThat(blocks).hasSize(4);
    assertThat(blocks.get(0).cid()).isEqualTo(root);
    for (CarReader.Block block : blocks) {
      assertThat(block.data()).isEqualTo(dag.blocks.get(block.cid()));
    }
  }

  @Test
  void rejectsATamperedBlock() {
    TestDag dag = smallDag();
    Cid root = new ArrayList<>(dag.blocks.keySet()).get(3);
    byte[] car = dag.car(root);
    car[car.length - 1] ^= 0x01; // last byte of the last block ("alpha")

    assertThatThrownBy(() -> readAll(car, car.length))
        .isInstanceOf(CodException.class)
        .satisfies(e -> assertThat(((CodException) e).code()).isEqualTo(ErrorCode.CONTENT_MISMATCH))
        .hasMessageContaining("does not hash to its CID");
  }

  @Test
  void rejectsATruncatedStream() {
    TestDag dag = smallDag();
    Cid root = new ArrayList<>(dag.blocks.keySet()).get(3);
    byte[] car = dag.car(root);
    byte[] truncated = java.util.Arrays.copyOf(car, car.length - 2);

    assertThatThrownBy(() -> readAll(truncated, car.length))
        .isInstanceOf(CodException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void rejectsAStreamOverTheLimit() {
    TestDag dag = smallDag();
    Cid root = new ArrayList<>(dag.blocks.keySet()).get(3);
    byte[] car = dag.car(root);

    assertThatThrownBy(() -> readAll(car, car.length - 1))
        .isInstanceOf(CodException.class)
        .hasMessageContaining("at most " + (car.length - 1) + " bytes");
  }

  @Test
  void rejectsCarV2AndBadHeaders() {
    Cid root = Cid.rawOf(new byte[0]);
    byte[] v2 = withHeader(TestDag.carHeader(2, root));
    assertThatThrownBy(() -> CarReader.open(new ByteArrayInputStream(v2), 1000))
        .hasMessageContaining("CARv2");
    byte[] notAMap = withHeader(new byte[] {0x01});
    assertThatThrownBy(() -> CarReader.open(new ByteArrayInputStream(notAMap), 1000))
        .hasMessageContaining("map");
    assertThatThrownBy(() -> CarReader.open(new ByteArrayInputStream(new byte[0]), 1000))
        .hasMessageContaining("empty stream");
    byte[] hugeHeader = Varint.encode(1L << 40);
    assertThatThrownBy(() -> CarReader.open(new ByteArrayInputStream(hugeHeader), 1L << 50))
        .isInstanceOf(CodException.class)
        .hasMessageContaining("header of 1..");
  }

  @Test
  void rejectsAnOversizedSectionBeforeReadingIt() throws IOException {
    Cid root = Cid.rawOf(new byte[0]);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(withHeader(TestDag.carHeader(1, root)));
    Varint.write(CarReader.MAX_SECTION_BYTES + 1L, out);
    CarReader reader = CarReader.open(new ByteArrayInputStream(out.toByteArray()), Long.MAX_VALUE);

    assertThatThrownBy(reader::next).hasMessageContaining("CAR section of 1..");
  }

  @Test
  void zeroPaddedCarEndsAtTheFirstZeroLengthAndChecksThePadding() throws IOException {
    TestDag dag = smallDag();
    Cid root = new ArrayList<>(dag.blocks.keySet()).get(3);
    byte[] car = dag.car(root);
    byte[] piece = java.util.Arrays.copyOf(car, car.length + 1000);

    CarReader reader = CarReader.openZeroPadded(new ByteArrayInputStream(piece), car.length);
    int blocks = 0;
    while (reader.next().isPresent()) {
      blocks++;
    }
    assertThat(blocks).isEqualTo(4);
    assertThat(reader.bytesRead()).isEqualTo(piece.length);
    // a plain reader refuses the padding
    assertThatThrownBy(() -> readAll(piece, piece.length)).hasMessageContaining("found 0");

    piece[piece.length - 10] = 7;
    CarReader dirty = CarReader.openZeroPadded(new ByteArrayInputStream(piece), car.length);
    assertThatThrownBy(() -> {
          while (dirty.next().isPresent()) {
            // read on
          }
        })
        .isInstanceOf(CodException.class)
        .hasMessageContaining("expected only zero padding after the CAR's end at byte " + car.length)
        .hasMessageContaining("found 0x7 at byte " + (piece.length - 10));
  }

  private static byte[] withHeader(byte[] header) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Varint.write(header.length, out);
    out.writeBytes(header);
    return out.toByteArray();
  }
}
