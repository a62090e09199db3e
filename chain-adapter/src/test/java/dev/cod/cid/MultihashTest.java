package dev.cod.cid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.common.CodException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class MultihashTest {
  @Test
  void sha256OfHelloWorld() {
    byte[] data = "hello world".getBytes(StandardCharsets.US_ASCII);
    Multihash mh = Multihash.sha256(data);

    // sha256("hello world"), FIPS 180-4 via any sha256sum
    assertThat(HexFormat.of().formatHex(mh.bytes()))
        .isEqualTo("1220b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
    assertThat(mh.matches(data)).isTrue();
    assertThat(mh.matches("hello world!".getBytes(StandardCharsets.US_ASCII))).isFalse();
    assertThat(mh.toString()).startsWith("sha2-256:b94d27b9");
  }

  @Test
  void roundTripsAndComparesByValue() {
    Multihash mh = Multihash.sha256(new byte[] {1});
    Multihash decoded = Multihash.fromBytes(mh.bytes(), 0);

    assertThat(decoded).isEqualTo(mh).hasSameHashCodeAs(mh);
    assertThat(decoded.encodedLength()).isEqualTo(34);
  }

  @Test
  void digestIsCopied() {
    byte[] digest = new byte[32];
    Multihash mh = new Multihash(Multihash.SHA2_256, digest);
    digest[0] = 1;
    mh.digest()[1] = 1;

    assertThat(mh.digest()).containsOnly(0);
  }

  @Test
  void identityMatchesItsOwnBytesAndIsBounded() {
    byte[] data = {1, 2, 3};
    assertThat(Multihash.identity(data).matches(data)).isTrue();
    assertThat(Multihash.identity(data).matches(new byte[] {1, 2})).isFalse();
    assertThat(Multihash.identity(new byte[0]).bytes()).containsExactly(0, 0);
    assertThatThrownBy(() -> Multihash.identity(new byte[129]))
        .isInstanceOf(CodException.class)
        .hasMessageContaining("at most 128 bytes");
  }

  @Test
  void rejectsWrongLengthAndTruncation() {
    assertThatThrownBy(() -> new Multihash(Multihash.SHA2_256, new byte[31]))
        .hasMessageContaining("32-byte");
    byte[] truncated = {0x12, 0x20, 1, 2};
    assertThatThrownBy(() -> Multihash.fromBytes(truncated, 0))
        .isInstanceOf(CodException.class)
        .hasMessageContaining("found only 2");
  }
}
