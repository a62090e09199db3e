package dev.cod.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class JobTermsTest {
  private static final byte[] SPEC = {0x01, 0x55, 0x12, 0x01, 0x00};
  private static final BigInteger PRICE = BigInteger.TEN.pow(16);
  private static final BigInteger NANO = BigInteger.TEN.pow(9);

  private static JobTerms withStake(BigInteger stake) {
    return new JobTerms(SPEC, 3, 2, PRICE, stake, 0, 600, 600);
  }

  @Test
  void termsWithoutAPieceNameAnEmptyOne() {
    JobTerms terms = withStake(NANO);
    assertThat(terms.inputPieceCid()).isEmpty();
    assertThat(terms.hasInputPiece()).isFalse();
    assertThat(terms.escrow()).isEqualTo(PRICE.multiply(BigInteger.valueOf(3)));
  }

  @Test
  void withInputPieceKeepsEveryOtherTermAndCopiesThePiece() {
    byte[] piece = {0x01, (byte) 0x81, (byte) 0xe2, 0x03, (byte) 0x92, 0x20, 0x20, 0x07};
    JobTerms terms = withStake(NANO).withInputPiece(piece);
    piece[7] = 0;
    assertThat(terms.hasInputPiece()).isTrue();
    assertThat(terms.inputPieceCid()).hasSize(8).endsWith(0x07);
    assertThat(terms).usingRecursiveComparison().ignoringFields("inputPieceCid").isEqualTo(withStake(NANO));
  }

  @Test
  void aPieceCidLongerThanTheMarketTakesIsRefused() {
    assertThat(withStake(NANO).withInputPiece(new byte[JobTerms.MAX_CID_LENGTH]).inputPieceCid()).hasSize(128);
    assertThatThrownBy(() -> withStake(NANO).withInputPiece(new byte[JobTerms.MAX_CID_LENGTH + 1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 128 bytes, got 129");
  }

  @Test
  void theStakeIsBoundedByTheMarketsFiftySixBitsOfNanoFil() {
    BigInteger max = BigInteger.TWO.pow(56).subtract(BigInteger.ONE).multiply(NANO);
    assertThat(JobTerms.MAX_STAKE_PER_REPLICA).isEqualTo(max);
    assertThat(withStake(max).stakePerReplica()).isEqualTo(max);
    assertThatThrownBy(() -> withStake(max.add(NANO)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stakePerReplica must be in [0, " + max + "]");
    assertThatThrownBy(() -> withStake(BigInteger.ONE.negate())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void dealStatusesFollowTheOraclesOrder() {
    assertThat(DealStatus.of(0)).isEqualTo(DealStatus.ACTIVE);
    assertThat(DealStatus.of(4)).isEqualTo(DealStatus.WRONG_PROVIDER);
    assertThat(DealStatus.of(8)).isEqualTo(DealStatus.ENDED);
    assertThatThrownBy(() -> DealStatus.of(9)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DealStatus.of(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
