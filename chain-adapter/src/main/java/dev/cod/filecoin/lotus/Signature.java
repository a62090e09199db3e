package dev.cod.filecoin.lotus;

import java.util.Arrays;

/**
 * A message signature as Lotus's JSON carries it: {@code {"Type": 1, "Data": "<base64>"}}.
 *
 * <p>Source: Lotus API v1 reference ({@code SignedMessage.Signature}); go-state-types
 * {@code crypto.SigType}: 1 secp256k1, 2 BLS, 3 delegated (FEVM).
 *
 * @param type the signature type (1, 2 or 3; 0 unknown)
 * @param data the signature bytes (copied in and out)
 */
public record Signature(int type, byte[] data) {
  /** secp256k1 (f1 accounts). */
  public static final int SECP256K1 = 1;
  /** BLS (f3 accounts). */
  public static final int BLS = 2;
  /** Delegated: an Ethereum transaction signature (f410f accounts). */
  public static final int DELEGATED = 3;

  /** @throws dev.cod.common.CodException INVALID_INPUT for a type outside 0..3 */
  public Signature {
    if (type < 0 || type > 3) {
      throw Checks.invalid("Signature.Type", "0, 1 (secp256k1), 2 (BLS) or 3 (delegated)",
          Integer.toString(type));
    }
    data = data == null ? new byte[0] : data.clone();
  }

  /** The signature bytes; a copy. */
  @Override
  public byte[] data() {
    return data.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Signature s && s.type == type && Arrays.equals(s.data, data);
  }

  @Override
  public int hashCode() {
    return type * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Signature[type " + type + ", " + data.length + " bytes]";
  }
}
