package dev.cod.filecoin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.cid.Cid;
import dev.cod.common.CodException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FilecoinCidTest {
  // A mainnet piece CID (commP) from a StateMarketStorageDeal response for deal 5083158, captured
  // in tech-greedy/singularity tests/deal-tracking/DealTrackingService.spec.ts.
  private static final String PIECE_CID =
      "baga6ea4seaqhrk3pg4thkoaukss2ehqer65t3gtj7e4hku6jmkdoygnc6wzoeca";
  // Example CIDs of the Lotus v1 API reference (documentation/en/api-methods-v1-stable.md).
  private static final String LOTUS_DOC_CID =
      "bafy2bzacea3wsdh6y3a36tb3skempjoxqpuyompjbmfeyf34fi3uy6uue42v4";

  @Test
  void pieceCidIsFilCommitmentUnsealedWithTruncatedSha256() {
    FilecoinCid cid = FilecoinCid.parse(PIECE_CID);
    assertThat(cid.codec()).isEqualTo(FilecoinCid.FIL_COMMITMENT_UNSEALED);
    assertThat(cid.hashFunction()).isEqualTo(FilecoinCid.SHA2_256_TRUNC254_PADDED);
    assertThat(cid.digest()).hasSize(32);
    assertThat(cid.toString()).isEqualTo(PIECE_CID);
    // cod's Cid knows piece CIDs (dev.cod.cid.PieceCommitment): the same CID either way
    assertThat(cid.toCid()).hasValueSatisfying(c -> assertThat(c.toString()).isEqualTo(PIECE_CID));
    assertThat(FilecoinCid.of(cid.toCid().orElseThrow())).isEqualTo(cid);
  }

  @Test
  void chainCidIsDagCborBlake2b256() {
    FilecoinCid cid = FilecoinCid.parse(LOTUS_DOC_CID);
    assertThat(cid.codec()).isEqualTo(FilecoinCid.DAG_CBOR);
    assertThat(cid.hashFunction()).isEqualTo(FilecoinCid.BLAKE2B_256);
    assertThat(FilecoinCid.fromBytes(cid.bytes())).isEqualTo(cid);
    assertThat(cid).isNotEqualTo(FilecoinCid.parse(PIECE_CID));
  }

  @Test
  void convertsToAndFromCodContentCids() {
    Cid raw = Cid.rawOf("hello".getBytes(StandardCharsets.UTF_8));
    FilecoinCid f = FilecoinCid.of(raw);
    assertThat(f.toString()).isEqualTo(raw.toString());
    assertThat(f.toCid()).contains(raw);
  }

  @Test
  void refusesCidV0AndGarbage() {
    assertThatThrownBy(() -> FilecoinCid.parse("QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"))
        .isInstanceOf(CodException.class).hasMessageContaining("CIDv0");
    assertThatThrownBy(() -> FilecoinCid.parse("bafy2bzace"))
        .isInstanceOf(CodException.class).hasMessageContaining("not a CID");
    assertThatThrownBy(() -> FilecoinCid.parse(LOTUS_DOC_CID.toUpperCase()))
        .isInstanceOf(CodException.class);
  }
}
