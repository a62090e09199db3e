package dev.cod.cid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Vectors: the empty dag-pb node and the empty raw block (sha2-256 of no bytes) in v0 and v1,
 * the raw CID of "hello world" (IPFS docs), and the CIDv1 example of multiformats/cid's README;
 * each cross-checked with an independent implementation (Python hashlib/base64 and Kubo's
 * {@code ipfs add --only-hash}).
 */
class CidTest {
  private static final String EMPTY_SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final String EMPTY_DAG_PB_V0 = "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n";
  private static final String EMPTY_DAG_PB_V1 =
      "bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
  private static final String EMPTY_RAW_V1 =
      "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
  private static final String HELLO_WORLD_RAW =
      "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e";

  @Test
  void parsesCidV0AndConvertsToV1() {
    Cid v0 = Cid.parse(EMPTY_DAG_PB_V0);

    assertThat(v0.version()).isZero();
    assertThat(v0.codec()).isEqualTo(Cid.DAG_PB);
    assertThat(v0.multihash().code()).isEqualTo(Multihash.SHA2_256);
    assertThat(HexFormat.of().formatHex(v0.multihash().digest())).isEqualTo(EMPTY_SHA256);
    assertThat(v0.toString()).isEqualTo(EMPTY_DAG_PB_V0);
    assertThat(v0.bytes()).hasSize(34).startsWith(0x12, 0x20);
    assertThat(v0.toV1().toString()).isEqualTo(EMPTY_DAG_PB_V1);
    assertThat(v0.toV1()).isNotEqualTo(v0);
    assertThat(v0.toV1().multihash()).isEqualTo(v0.multihash());
  }

  /** Pairs printed by Debian's ipfs-cid ({@code ipfs_cid FILE}) for "hello world" and "". */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD,"
        + "bafybeihykld7uyxzogax6vgyvag42y7464eywpf55gxi5qpoisibh3c5wa",
    "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH,"
        + "bafybeif7ztnhq65lumvvtr4ekcwd2ifwgm3awq4zfr3srh462rwyinlb4y",
  })
  void v0ToV1MatchesIpfsCid(String v0, String v1) {
    assertThat(Cid.parse(v0).toV1().toString()).isEqualTo(v1);
    assertThat(Cid.parse(v1).multihash()).isEqualTo(Cid.parse(v0).multihash());
  }

  @Test
  void emptyRawBlockHasTheWellKnownCid() {
    Cid raw = Cid.rawOf(new byte[0]);

    assertThat(raw.toString()).isEqualTo(EMPTY_RAW_V1);
    assertThat(Cid.parse(EMPTY_RAW_V1)).isEqualTo(raw);
    assertThat(raw.multihash().matches(new byte[0])).isTrue();
  }

  @Test
  void helloWorldRawCid() {
    Cid cid = Cid.rawOf("hello world".getBytes(StandardCharsets.US_ASCII));

    assertThat(cid.toString()).isEqualTo(HELLO_WORLD_RAW);
    assertThat(cid.toString()).startsWith("bafk");
  }

  @Test
  void parsesBase58CidV1FromTheSpecReadme() {
    Cid cid = Cid.parse("zb2rhe5P4gXftAwvA4eXQ5HJwsER2owDyS9sKaQRRVQPn93bA");

    assertThat(cid.version()).isEqualTo(1);
    assertThat(cid.codec()).isEqualTo(Cid.RAW);
    assertThat(HexFormat.of().formatHex(cid.multihash().digest()))
        .isEqualTo("6e6ff7950a36187a801613426e858dce686cd7d7e3c0fc42ee0330072d245c95");
    assertThat(cid.toString())
        .isEqualTo("bafkreidon73zkcrwdb5iafqtijxildoonbwnpv7dyd6ef3qdgads2jc4su");
    assertThat(Cid.parse(cid.toString())).isEqualTo(cid);
  }

  @Test
  void binaryRoundTrip() {
    Cid v1 = Cid.parse(EMPTY_DAG_PB_V1);
    byte[] bytes = v1.bytes();

    assertThat(HexFormat.of().formatHex(bytes)).isEqualTo("01701220" + EMPTY_SHA256);
    assertThat(Cid.fromBytes(bytes)).isEqualTo(v1);
    assertThat(v1.encodedLength()).isEqualTo(bytes.length);
    Cid v0 = Cid.parse(EMPTY_DAG_PB_V0);
    assertThat(Cid.fromBytes(v0.bytes())).isEqualTo(v0);
  }

  @Test
  void decodePrefixLeavesTrailingBytes() {
    Cid cid = Cid.rawOf(new byte[] {1, 2, 3});
    byte[] bytes = cid.bytes();
    byte[] withTail = new byte[bytes.length + 5];
    System.arraycopy(bytes, 0, withTail, 0, bytes.length);

    assertThat(Cid.decodePrefix(withTail, 0)).isEqualTo(cid);
    assertThatThrownBy(() -> Cid.fromBytes(withTail))
        .isInstanceOf(CodException.class)
        .hasMessageContaining("trailing");
  }

  @Test
  void identityCidCarriesItsData() {
    byte[] data = "tiny".getBytes(StandardCharsets.US_ASCII);
    Cid cid = Cid.v1(Cid.RAW, Multihash.identity(data));

    Cid parsed = Cid.parse(cid.toString());

    assertThat(parsed).isEqualTo(cid);
    assertThat(parsed.multihash().digest()).isEqualTo(data);
    assertThat(parsed.multihash().matches(data)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "hello",
        "Qm",
        "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1O", // 'O' is not base58
        "Bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", // upper-case prefix
        "bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyk", // truncated
        "bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvykuaa", // trailing byte
        "bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyk1", // '1' not base32
        "fafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", // unknown multibase
        "bciqlzyzbrtpwg6v7tdhbkmomdsz6gvfhjnkvj4wuqzevdu2kuyzdzji", // multibase-wrapped v0
      })
  void rejectsMalformedCidStrings(String text) {
    assertThatThrownBy(() -> Cid.parse(text))
        .isInstanceOf(CodException.class)
        .satisfies(e -> assertThat(((CodException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
        .hasMessageContaining("expected");
  }

  @Test
  void rejectsNull() {
    assertThatThrownBy(() -> Cid.parse(null))
        .isInstanceOf(CodException.class)
        .hasMessageContaining("found null");
  }

  @Test
  void rejectsReservedVersionsAndUnknownHashes() {
    byte[] v2 = {0x02, 0x55, 0x12, 0x20};
    assertThatThrownBy(() -> Cid.fromBytes(v2)).hasMessageContaining("reserved");
    byte[] sha512 = new byte[4 + 64];
    sha512[0] = 0x01;
    sha512[1] = 0x55;
    sha512[2] = 0x13;
    sha512[3] = 0x40;
    assertThatThrownBy(() -> Cid.fromBytes(sha512))
        .isInstanceOf(CodException.class)
        .hasMessageContaining("sha2-256 (0x12)")
        .hasMessageContaining("0x13");
  }

  @Test
  void cidV0MustBeDagPbSha256() {
    Multihash mh = Multihash.sha256(new byte[0]);
    assertThatThrownBy(() -> new Cid(0, Cid.RAW, mh))
        .isInstanceOf(CodException.class)
        .hasMessageContaining("CIDv0");
    assertThatThrownBy(() -> new Cid(2, Cid.RAW, mh)).hasMessageContaining("version 0 or 1");
  }

  @Test
  void v1StaysV1() {
    Cid v1 = Cid.parse(EMPTY_RAW_V1);
    assertThat(v1.toV1()).isSameAs(v1);
  }
}
