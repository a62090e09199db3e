package dev.cod.cid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.common.CodException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Vectors from multiformats/multibase's {@code tests/} ("yes mani !") and draft-msporny-base58
 * (section 5).
 */
class MultibaseTest {
  private static final byte[] YES_MANI = "yes mani !".getBytes(StandardCharsets.US_ASCII);

  @Test
  void multibaseSpecVectors() {
    assertThat(Multibase.encodeBase32Lower(YES_MANI)).isEqualTo("bpfsxgidnmfxgsibb");
    assertThat(Multibase.encodeBase58Btc(YES_MANI)).isEqualTo("z7paNL19xttacUY");
    assertThat(Multibase.decode("bpfsxgidnmfxgsibb")).isEqualTo(YES_MANI);
    assertThat(Multibase.decode("z7paNL19xttacUY")).isEqualTo(YES_MANI);
  }

  @Test
  void base58DraftVectors() {
    assertThat(Base58.encode("Hello World!".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("2NEpo7TZRRrLZSi2U");
    assertThat(
            Base58.encode(
                "The quick brown fox jumps over the lazy dog."
                    .getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z");
    assertThat(Base58.encode(HexFormat.of().parseHex("0000287fb4cd"))).isEqualTo("11233QC4");
    assertThat(Base58.decode("11233QC4")).isEqualTo(HexFormat.of().parseHex("0000287fb4cd"));
    assertThat(Base58.encode(new byte[0])).isEmpty();
    assertThat(Base58.decode("")).isEmpty();
  }

  @Test
  void roundTripsRandomBytes() {
    Random random = new Random(42);
    for (int i = 0; i < 200; i++) {
      byte[] bytes = new byte[random.nextInt(70)];
      random.nextBytes(bytes);
      if (i % 5 == 0 && bytes.length > 2) {
        bytes[0] = 0;
        bytes[1] = 0;
      }
      assertThat(Base58.decode(Base58.encode(bytes))).isEqualTo(bytes);
      assertThat(Multibase.decode(Multibase.encodeBase32Lower(bytes))).isEqualTo(bytes);
    }
  }

  @Test
  void rejectsBadInput() {
    assertThatThrownBy(() -> Multibase.decode("")).isInstanceOf(CodException.class);
    assertThatThrownBy(() -> Multibase.decode("mAAAA")).hasMessageContaining("prefix");
    assertThatThrownBy(() -> Multibase.decode("bPFSX")).hasMessageContaining("lower-case");
    assertThatThrownBy(() -> Multibase.decode("b7")).hasMessageContaining("length");
    // one zero byte is "baa"; "bab" sets one of the unused trailing bits
    assertThat(Multibase.decode("baa")).containsExactly(0);
    assertThatThrownBy(() -> Multibase.decode("bab")).hasMessageContaining("canonical");
    assertThatThrownBy(() -> Base58.decode("0OIl")).hasMessageContaining("'0' at position 0");
  }
}
