package dev.cod.cid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.common.CodException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Vectors from multiformats/unsigned-varint's README. */
class VarintTest {
  @Test
  void encodesSpecExamples() {
    assertThat(Varint.encode(1)).containsExactly(0x01);
    assertThat(Varint.encode(127)).containsExactly(0x7f);
    assertThat(Varint.encode(128)).containsExactly(0x80, 0x01);
    assertThat(Varint.encode(255)).containsExactly(0xff, 0x01);
    assertThat(Varint.encode(300)).containsExactly(0xac, 0x02);
    assertThat(Varint.encode(16384)).containsExactly(0x80, 0x80, 0x01);
    assertThat(Varint.encodedLength(Long.MAX_VALUE)).isEqualTo(9);
  }

  @Test
  void decodesAndReportsLength() {
    byte[] bytes = {0x00, (byte) 0xac, 0x02, 0x05};
    assertThat(Varint.decode(bytes, 1)).isEqualTo(new Varint.Decoded(300, 2));
    assertThat(Varint.decode(Varint.encode(Long.MAX_VALUE), 0).value()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void rejectsNonMinimalTooLongAndTruncated() {
    assertThatThrownBy(() -> Varint.decode(new byte[] {(byte) 0x81, 0x00}, 0))
        .isInstanceOf(CodException.class)
        .hasMessageContaining("minimally");
    byte[] tooLong = new byte[10];
    java.util.Arrays.fill(tooLong, (byte) 0x80);
    assertThatThrownBy(() -> Varint.decode(tooLong, 0)).hasMessageContaining("at most 9");
    assertThatThrownBy(() -> Varint.decode(new byte[] {(byte) 0x80}, 0))
        .hasMessageContaining("ends");
  }

  @Test
  void readsFromStreams() throws IOException {
    ByteArrayInputStream in = new ByteArrayInputStream(new byte[] {(byte) 0xac, 0x02, 0x01});
    assertThat(Varint.read(in)).isEqualTo(300);
    assertThat(Varint.read(in)).isEqualTo(1);
    assertThat(Varint.read(in)).isEqualTo(-1);
    assertThatThrownBy(() -> Varint.read(new ByteArrayInputStream(new byte[] {(byte) 0x80})))
        .isInstanceOf(EOFException.class);
  }
}
