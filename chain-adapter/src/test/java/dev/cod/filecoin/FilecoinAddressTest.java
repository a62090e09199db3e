package dev.cod.filecoin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.filecoin.FilecoinAddress.Network;
import dev.cod.filecoin.FilecoinAddress.Protocol;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Vectors come from published sources, named at each test:
 *
 * <ul>
 *   <li>go-address {@code address_test.go} (github.com/filecoin-project/go-address): ID, secp256k1,
 *       actor and BLS vectors with their inputs, delegated vectors, invalid strings and bytes;
 *   <li>iso-filecoin {@code packages/iso-filecoin/test/address.test.js}
 *       (github.com/hugomrdias/filecoin): string ↔ binary pairs, f410f vectors and the f0/f410f ↔
 *       0x conversions.
 * </ul>
 */
class FilecoinAddressTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  // go-address TestVectorsIDAddress (t-prefixed) and iso-filecoin `id` (binary forms).
  @ParameterizedTest
  @CsvSource({
    "0, t00, 0000",
    "1, t01, 0001",
    "10, t010, 000a",
    "150, t0150, 009601",
    "499, t0499, 00f303",
    "1024, t01024, 008008",
    "1729, t01729, 00c10d",
    "999999, t0999999, 00bf843d",
    "9223372036854775807, t09223372036854775807, 00ffffffffffffffff7f",
  })
  void idVectors(long id, String text, String binaryHex) {
    FilecoinAddress a = FilecoinAddress.id(Network.TESTNET, id);
    assertThat(a.toString()).isEqualTo(text);
    assertThat(HEX.formatHex(a.bytes())).isEqualTo(binaryHex);
    FilecoinAddress parsed = FilecoinAddress.parse(text);
    assertThat(parsed).isEqualTo(a);
    assertThat(parsed.protocol()).isEqualTo(Protocol.ID);
    assertThat(parsed.actorId()).isEqualTo(id);
    assertThat(FilecoinAddress.fromBytes(Network.TESTNET, parsed.bytes())).isEqualTo(a);
  }

  // iso-filecoin `id`: f0150 -> 009601, f01024 -> 008008, f01729 -> 00c10d (mainnet prefix).
  @Test
  void mainnetIdKeepsItsPrefix() {
    FilecoinAddress a = FilecoinAddress.parse("f01729");
    assertThat(a.network()).isEqualTo(Network.MAINNET);
    assertThat(HEX.formatHex(a.bytes())).isEqualTo("00c10d");
    assertThat(a.toString()).isEqualTo("f01729");
    assertThat(a.withNetwork(Network.TESTNET).toString()).isEqualTo("t01729");
    assertThat(a.sameActorAs(FilecoinAddress.parse("t01729"))).isTrue();
    assertThat(a).isNotEqualTo(FilecoinAddress.parse("t01729"));
  }

  static Stream<Arguments> secpVectors() {
    // go-address TestVectorSecp256k1Address: uncompressed public key -> t1/f1 string.
    return Stream.of(
        Arguments.of(bytes(4, 148, 2, 250, 195, 126, 100, 50, 164, 22, 163, 160, 202, 84,
            38, 181, 24, 90, 179, 178, 79, 97, 52, 239, 162, 92, 228, 135, 200,
            45, 46, 78, 19, 191, 69, 37, 17, 224, 210, 36, 84, 33, 248, 97, 59,
            193, 13, 114, 250, 33, 102, 102, 169, 108, 59, 193, 57, 32, 211,
            255, 35, 63, 208, 188, 5), "15ihq5ibzwki2b4ep2f46avlkrqzhpqgtga7pdrq"),
        Arguments.of(bytes(4, 118, 135, 185, 16, 55, 155, 242, 140, 190, 58, 234, 103, 75,
            18, 0, 12, 107, 125, 186, 70, 255, 192, 95, 108, 148, 254, 42, 34,
            187, 204, 38, 2, 255, 127, 92, 118, 242, 28, 165, 93, 54, 149, 145,
            82, 176, 225, 232, 135, 145, 124, 57, 53, 118, 238, 240, 147, 246,
            30, 189, 58, 208, 111, 127, 218), "12fiakbhe2gwd5cnmrenekasyn6v5tnaxaqizq6a"),
        Arguments.of(bytes(4, 66, 131, 43, 248, 124, 206, 158, 163, 69, 185, 3, 80, 222,
            125, 52, 149, 133, 156, 164, 73, 5, 156, 94, 136, 221, 231, 66, 133,
            223, 251, 158, 192, 30, 186, 188, 95, 200, 98, 104, 207, 234, 235,
            167, 174, 5, 191, 184, 214, 142, 183, 90, 82, 104, 120, 44, 248, 111,
            200, 112, 43, 239, 138, 31, 224), "17uoq6tp427uzv7fztkbsnn64iwotfrristwpryy"));
  }

  @ParameterizedTest
  @MethodSource("secpVectors")
  void secp256k1FromPublicKey(byte[] publicKey, String body) {
    assertThat(FilecoinAddress.secp256k1(Network.TESTNET, publicKey).toString())
        .isEqualTo("t" + body);
    FilecoinAddress mainnet = FilecoinAddress.secp256k1(Network.MAINNET, publicKey);
    assertThat(mainnet.toString()).isEqualTo("f" + body);
    assertThat(FilecoinAddress.parse("f" + body)).isEqualTo(mainnet);
  }

  // go-address TestVectorActorAddress: actor data -> t2 string.
  @Test
  void actorFromData() {
    byte[] data = bytes(118, 18, 129, 144, 205, 240, 104, 209, 65, 128, 68, 172, 192,
        62, 11, 103, 129, 151, 13, 96);
    FilecoinAddress a = FilecoinAddress.actor(Network.TESTNET, data);
    assertThat(a.toString()).isEqualTo("t24vg6ut43yw2h2jqydgbg2xq7x6f4kub3bg6as6i");
    assertThat(a.protocol()).isEqualTo(Protocol.ACTOR);
    byte[] data2 = bytes(61, 58, 137, 232, 221, 171, 84, 120, 50, 113, 108, 109, 70, 140,
        53, 96, 201, 244, 127, 216);
    assertThat(FilecoinAddress.actor(Network.MAINNET, data2).toString())
        .isEqualTo("f2gfvuyh7v2sx3patm5k23wdzmhyhtmqctasbr23y");
  }

  // go-address TestVectorBLSAddress: the public key is the payload.
  @Test
  void blsFromPublicKey() {
    byte[] key = bytes(173, 88, 223, 105, 110, 45, 78, 145, 234, 134, 200, 129, 233, 56,
        186, 78, 168, 27, 57, 94, 18, 121, 123, 132, 185, 207, 49, 75, 149, 70,
        112, 94, 131, 156, 122, 153, 214, 6, 178, 71, 221, 180, 249, 172, 122,
        52, 20, 221);
    String text = "t3vvmn62lofvhjd2ugzca6sof2j2ubwok6cj4xxbfzz4yuxfkgobpihhd2thlanmsh3w2ptld2gqkn2jvlss4a";
    FilecoinAddress a = FilecoinAddress.bls(Network.TESTNET, key);
    assertThat(a.toString()).isEqualTo(text);
    assertThat(FilecoinAddress.parse(text).payload()).isEqualTo(key);
  }

  // iso-filecoin address.test.js `secp`, `actor`, `bls`, `delegated`: string <-> binary (hex).
  @ParameterizedTest
  @CsvSource({
    "f17uoq6tp427uzv7fztkbsnn64iwotfrristwpryy, 01fd1d0f4dfcd7e99afcb99a8326b7dc459d32c628",
    "f1xcbgdhkgkwht3hrrnui3jdopeejsoatkzmoltqy, 01b882619d46558f3d9e316d11b48dcf211327026a",
    "f12fiakbhe2gwd5cnmrenekasyn6v5tnaxaqizq6a, 01d1500504e4d1ac3e89ac891a4502586fabd9b417",
    "f24vg6ut43yw2h2jqydgbg2xq7x6f4kub3bg6as6i, 02e54dea4f9bc5b47d261819826d5e1fbf8bc5503b",
    "f2nuqrg7vuysaue2pistjjnt3fadsdzvyuatqtfei, 026d21137eb4c4814269e894d296cf6500e43cd714",
    "f3wmuu6crofhqmm3v4enos73okk2l366ck6yc4owxwbdtkmpk42ohkqxfitcpa57pjdcftql4tojda2poeruwa,"
        + " 03b3294f0a2e29e0c66ebc235d2fedca5697bf784af605c75af608e6a63d5cd38ea85ca8989e0efde9188b382f9372460d",
    "f410feot7hrogmplrcupubsdbbqarkdewmb4vkwc5qqq, 040a23a7f3c5c663d71151f40c8610c01150c9660795",
    "f410fek3n2tlnqghc5phd2lqatisj7d57j2lf5hgcs2q, 040a22b6dd4d6d818e2ebce3d2e009a249f8fbf4e965",
    "f410firjm446mw5tqabmlxjp4sxwshdhrff7adk4srea, 040a4452ce73ccb76700058bba5fc95ed238cf1297e0",
  })
  void stringAndBinaryForms(String text, String binaryHex) {
    FilecoinAddress a = FilecoinAddress.parse(text);
    assertThat(HEX.formatHex(a.bytes())).isEqualTo(binaryHex);
    FilecoinAddress fromBytes = FilecoinAddress.fromBytes(Network.MAINNET, HEX.parseHex(binaryHex));
    assertThat(fromBytes.toString()).isEqualTo(text);
    assertThat(fromBytes).isEqualTo(a);
  }

  // go-address TestDelegatedAddress (mainnet): namespace + sub-address -> string.
  @Test
  void delegatedVectors() {
    FilecoinAddress a = FilecoinAddress.delegated(Network.MAINNET, 32, bytes(0xff, 0xff, 0xff, 0xff, 0xff));
    assertThat(a.toString()).isEqualTo("f432f77777777x32lpna");
    assertThat(FilecoinAddress.parse("f432f77777777x32lpna")).isEqualTo(a);
    assertThat(a.namespace()).isEqualTo(32);
    assertThat(a.subaddress()).isEqualTo(bytes(0xff, 0xff, 0xff, 0xff, 0xff));

    FilecoinAddress empty = FilecoinAddress.delegated(Network.MAINNET, Long.MAX_VALUE, new byte[0]);
    assertThat(empty.toString()).isEqualTo("f49223372036854775807fiic6zsy");

    FilecoinAddress longest = FilecoinAddress.delegated(Network.MAINNET, Long.MAX_VALUE,
        new byte[FilecoinAddress.MAX_SUBADDRESS_LENGTH]);
    // 115 characters: go-address's MaxAddressStringLength.
    String text =
        "f49223372036854775807faaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaahwgiuam";
    assertThat(text).hasSize(FilecoinAddress.MAX_STRING_LENGTH);
    assertThat(longest.toString()).isEqualTo(text);
    assertThat(FilecoinAddress.parse(text)).isEqualTo(longest);
  }

  // iso-filecoin "should convert eth to f4 address" / "from f4 to eth address".
  @Test
  void f410fAndEthereumAddress() {
    FilecoinAddress t = FilecoinAddress.fromEthAddress(Network.TESTNET,
        "0xd388ab098ed3e84c0d808776440b48f685198498");
    assertThat(t.toString()).isEqualTo("t410f2oekwcmo2pueydmaq53eic2i62crtbeyuzx2gmy");
    assertThat(t.protocol()).isEqualTo(Protocol.DELEGATED);
    assertThat(t.namespace()).isEqualTo(FilecoinAddress.EAM_NAMESPACE);
    assertThat(FilecoinAddress.parse("f410f2oekwcmo2pueydmaq53eic2i62crtbeyuzx2gmy").toEthAddress())
        .isEqualTo("0xd388ab098ed3e84c0d808776440b48f685198498");
    // EIP-55 mixed case is accepted when its checksum holds.
    assertThat(FilecoinAddress.fromEthAddress(Network.TESTNET,
            "0x52963EF50e27e06D72D59fcB4F3c2a687BE3cfEf").toString())
        .isEqualTo("t410fkkld55ioe7qg24wvt7fu6pbknb56ht7pt4zamxa");
    assertThat(FilecoinAddress.parse("t410fkkld55ioe7qg24wvt7fu6pbknb56ht7pt4zamxa").toEthAddress())
        .isEqualTo("0x52963ef50e27e06d72d59fcb4f3c2a687be3cfef");
  }

  // iso-filecoin "should convert from f0 to eth address" and "from eth to f0 address".
  @ParameterizedTest
  @CsvSource({
    "f01, 0xff00000000000000000000000000000000000001",
    "f0100, 0xff00000000000000000000000000000000000064",
    "f05088, 0xff000000000000000000000000000000000013e0",
    "f01024, 0xff00000000000000000000000000000000000400",
  })
  void maskedIdAddress(String f0, String eth) {
    assertThat(FilecoinAddress.parse(f0).toEthAddress()).isEqualTo(eth);
    FilecoinAddress back = FilecoinAddress.fromEthAddress(Network.MAINNET, eth);
    assertThat(back.protocol()).isEqualTo(Protocol.ID);
    assertThat(back.toString()).isEqualTo(f0);
  }

  @Test
  void keyAddressesHaveNoEthereumFormWithoutALookup() {
    FilecoinAddress f1 = FilecoinAddress.parse("f1wbxhu3ypkuo6eyp6hjx6davuelxaxrvwb2kuwva");
    assertThat(f1.hasEthAddress()).isFalse();
    assertThatThrownBy(f1::toEthAddress)
        .isInstanceOf(CodException.class)
        .hasMessageContaining("StateLookupID");
    // iso-filecoin "should fail to convert f411 to eth address": namespace 11 is not the EAM.
    FilecoinAddress f411 = FilecoinAddress.delegated(Network.MAINNET, 11,
        HEX.parseHex("52963ef50e27e06d72d59fcb4f3c2a687be3cfef"));
    assertThat(f411.toString()).startsWith("f411f");
    assertThat(FilecoinAddress.parse(f411.toString())).isEqualTo(f411);
    assertThat(f411.hasEthAddress()).isFalse();
    assertThatThrownBy(f411::toEthAddress).hasMessageContaining("namespace 10");
  }

  // go-address TestInvalidStringAddresses (the expected go error is in each comment).
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "Q2gfvuyh7v2sx3patm5k23wdzmhyhtmqctasbr23y | starting with 'f' (mainnet) or 't'", // ErrUnknownNetwork
    "t5gfvuyh7v2sx3patm5k23wdzmhyhtmqctasbr23y | expected protocol 0, 1, 2, 3 or 4", // ErrUnknownProtocol
    "t2gfvuyh7v2sx3patm5k23wdzmhyhtmqctasbr24y | checksum mismatch", // ErrInvalidChecksum
    "t0banananananannnnnnnnn | at most 19 digits", // ErrInvalidLength
    "t0banananananannnnnnn | decimal digits", // ErrInvalidPayload
    "t2gfvuyh7v2sx3patm1k23wdzmhyhtmqctasbr24y | found '1'", // base32.CorruptInputError(16)
    "t2gfvuyh7v2sx3paTm1k23wdzmhyhtmqctasbr24y | Filecoin addresses are lower case", // CorruptInputError(14)
    "t2 | 3 to 115 characters", // ErrInvalidLength
    "t1234q | expected 24 bytes", // ErrInvalidLength
    "t0 | 3 to 115 characters", // ErrInvalidLength
    "t09223372036854775808 | at most 2^63-1", // TestIDMax: MaxInt64 + 1
    "f018446744073709551615 | at most 19 digits", // 2^64-1: valid in iso-filecoin, not in go-address
    "f1xpbyy4tkdx5si2bgo37dubc2xwv6fum5tk57mid | canonical base32", // TestTrailingBits
    "F01234 | starting with 'f' (mainnet) or 't'",
    "f001 | leading zeros",
    "f4f77777777x32lpna | f4 namespace in decimal digits, found nothing",
    "f432 | no 'f' after the namespace",
  })
  void invalidStrings(String text, String messagePart) {
    assertThatThrownBy(() -> FilecoinAddress.parse(text))
        .isInstanceOf(CodException.class)
        .hasMessageContaining(messagePart)
        .extracting(e -> ((CodException) e).code())
        .isEqualTo(ErrorCode.INVALID_INPUT);
  }

  // go-address TestInvalidStringAddresses, built from "a" repeated to the exact payload sizes.
  @Test
  void wrongPayloadLengthsAndChecksums() {
    String secpExact = base32("a".repeat(24));
    assertThatThrownBy(() -> FilecoinAddress.parse("t1" + secpExact))
        .hasMessageContaining("checksum mismatch");
    assertThatThrownBy(() -> FilecoinAddress.parse("t1" + base32("a".repeat(25))))
        .hasMessageContaining("expected 24 bytes");
    assertThatThrownBy(() -> FilecoinAddress.parse("t2" + base32("a".repeat(23))))
        .hasMessageContaining("expected 24 bytes");
    assertThatThrownBy(() -> FilecoinAddress.parse("t3" + base32("a".repeat(52))))
        .hasMessageContaining("checksum mismatch");
    assertThatThrownBy(() -> FilecoinAddress.parse("t3" + base32("a".repeat(53))))
        .hasMessageContaining("expected 52 bytes");
    assertThatThrownBy(() -> FilecoinAddress.parse("a".repeat(116)))
        .hasMessageContaining("3 to 115 characters");
  }

  @Test
  void badF4Checksum() {
    // The last character of go-address's "f432f77777777x32lpna" changed.
    assertThatThrownBy(() -> FilecoinAddress.parse("f432f77777777x32lpnb"))
        .hasMessageMatching(".*(checksum mismatch|canonical base32).*");
    assertThatThrownBy(() -> FilecoinAddress.parse("f433f77777777x32lpna"))
        .hasMessageContaining("checksum mismatch");
  }

  // go-address TestInvalidByteAddresses and TestIDEdgeCase / TestIDMax.
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "050404 | protocol 0, 1, 2, 3 or 4, found 5", // ErrUnknownProtocol
    "00 | found none", // ErrInvalidLength
    "0080 | minimal LEB128 varint", // TestIDEdgeCase: hanging varint
    "00ffffffffffffffffff01 | below 2^63", // TestIDMax: 2^64-1 as a varint
    "000100 | trailing byte", // extra bytes after the ID
    "0100000000000000000000000000000000000000 | 20-byte payload", // 19 bytes
    "010000000000000000000000000000000000000000 00 | 20-byte payload", // 21 bytes
    "04ff | minimal LEB128 varint", // a hanging uvarint for a namespace
  })
  void invalidBytes(String hex, String messagePart) {
    byte[] input = HEX.parseHex(hex.replace(" ", ""));
    assertThatThrownBy(() -> FilecoinAddress.fromBytes(Network.MAINNET, input))
        .isInstanceOf(CodException.class)
        .hasMessageContaining(messagePart);
  }

  @Test
  void invalidBinaryLengthsForBlsAndDelegated() {
    byte[] bls = new byte[1 + 47];
    bls[0] = 3;
    assertThatThrownBy(() -> FilecoinAddress.fromBytes(Network.MAINNET, bls))
        .hasMessageContaining("48-byte BLS public key");
    // go-address: a sub-address one byte over MaxSubaddressLen.
    byte[] f4 = new byte[2 + FilecoinAddress.MAX_SUBADDRESS_LENGTH + 1];
    f4[0] = 4;
    assertThatThrownBy(() -> FilecoinAddress.fromBytes(Network.MAINNET, f4))
        .hasMessageContaining("at most 54 bytes, found 55");
    assertThatThrownBy(() -> FilecoinAddress.fromBytes(Network.MAINNET, new byte[0]))
        .hasMessageContaining("found no bytes");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "0xd388ab098ed3e84c0d808776440b48f68519849 | 0x + 40 hex digits", // 39 digits
    "d388ab098ed3e84c0d808776440b48f685198498 | 0x + 40 hex digits", // no 0x
    "0xd388ab098ed3e84c0d808776440b48f68519849g | found 'g'", // not hex
    // iso-filecoin "is eth address": invalid EIP-55 checksum.
    "0xa5cc3c03994db5b0d9a5eEdD10Cabab0813678ac | EIP-55 checksum mismatch",
  })
  void invalidEthAddresses(String eth, String messagePart) {
    assertThatThrownBy(() -> FilecoinAddress.fromEthAddress(Network.MAINNET, eth))
        .isInstanceOf(CodException.class)
        .hasMessageContaining(messagePart);
  }

  @Test
  void maskedIdAboveInt64IsRefused() {
    assertThatThrownBy(() -> FilecoinAddress.fromEthAddress(Network.MAINNET,
            "0xff0000000000000000000000ffffffffffffffff"))
        .hasMessageContaining("below 2^63");
  }

  @Test
  void bytesAreCopiedInAndOut() {
    byte[] raw = HEX.parseHex("008008");
    FilecoinAddress a = FilecoinAddress.fromBytes(Network.MAINNET, raw);
    raw[1] = 0;
    a.bytes()[1] = 0;
    assertThat(a.toString()).isEqualTo("f01024");
  }

  private static String base32(String ascii) {
    return new Base32().encodeAsString(ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII))
        .replace("=", "").toLowerCase(java.util.Locale.ROOT);
  }
}
