package dev.cod.filecoin.lotus;

import java.math.BigInteger;
import java.util.UUID;

/**
 * How Lotus should price and de-duplicate a pushed message ({@code MessageSendSpec}).
 *
 * <p>Source: Lotus API v1 reference, {@code MpoolPushMessage}: "maxFee is only used when
 * GasFeeCap/GasPremium fields aren't specified"; "When maxFee is set to 0, MpoolPushMessage will
 * guess appropriate fee based on current chain conditions". A non-nil {@code MsgUuid} lets Lotus
 * return the message it already pushed for that UUID instead of pushing a second one, so a retry
 * after a lost answer does not pay twice.
 *
 * @param maxFee the most attoFIL the message may cost in fees; 0 lets Lotus choose (>= 0)
 * @param msgUuid the push's idempotency key; {@link #NIL_UUID} for none
 * @param maximizeFeeCap whether Lotus should set GasFeeCap to the most maxFee allows
 */
public record MessageSendSpec(BigInteger maxFee, UUID msgUuid, boolean maximizeFeeCap) {
  /** The nil UUID: no idempotency key. */
  public static final UUID NIL_UUID = new UUID(0, 0);
  /** Lotus chooses the fee; no idempotency key. */
  public static final MessageSendSpec DEFAULT =
      new MessageSendSpec(BigInteger.ZERO, NIL_UUID, false);

  /** @throws dev.cod.common.CodException INVALID_INPUT for a negative fee or a null UUID */
  public MessageSendSpec {
    Checks.nonNegative(maxFee, "MaxFee");
    Checks.notNull(msgUuid, "MsgUuid");
  }

  /** A spec that lets Lotus choose the fee and de-duplicates retries under {@code msgUuid}. */
  public static MessageSendSpec idempotent(UUID msgUuid) {
    return new MessageSendSpec(BigInteger.ZERO, msgUuid, false);
  }
}
