package dev.cod.filecoin.lotus;

import dev.cod.filecoin.FilecoinAddress;
import dev.cod.filecoin.FilecoinCid;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Objects;

/**
 * An unsigned Filecoin message ({@code types.Message}): a call of actor method {@code method} on
 * {@code to}, sent by {@code from}, carrying {@code value} attoFIL.
 *
 * <p>For {@code Filecoin.MpoolPushMessage} leave {@code nonce} 0 (Lotus assigns it) and the gas
 * fields 0 (Lotus estimates them); see {@link #send}.
 *
 * <p>{@link #cid()} is the message's CID as Lotus computes it ({@code Message.Cid()}): the
 * blake2b-256 dag-cbor CID of the CBOR tuple {@code [Version, To, From, Nonce, Value, GasLimit,
 * GasFeeCap, GasPremium, Method, Params]}, with addresses as their binary form and token amounts
 * as Filecoin big-int bytes (sign byte + big-endian magnitude; empty for zero).
 *
 * <p>Sources: Lotus API v1 reference ({@code MpoolPushMessage} inputs; the example message's
 * {@code CID} is this class's test vector); go-state-types {@code big.Int} CBOR encoding; the
 * <a href="https://spec.filecoin.io/systems/filecoin_vm/message/">Filecoin spec, Message</a>.
 *
 * @param version the message format version (0 on every network today)
 * @param to the receiving actor
 * @param from the sending account
 * @param nonce the sender's sequence number (>= 0)
 * @param value attoFIL transferred (>= 0)
 * @param gasLimit gas units the sender allows (>= 0)
 * @param gasFeeCap the most attoFIL paid per gas unit (>= 0)
 * @param gasPremium attoFIL per gas unit paid to the block producer (>= 0)
 * @param method the actor method number (0 = plain send)
 * @param params the CBOR-encoded method parameters (copied in and out; empty for none)
 */
public record Message(
    long version,
    FilecoinAddress to,
    FilecoinAddress from,
    long nonce,
    BigInteger value,
    long gasLimit,
    BigInteger gasFeeCap,
    BigInteger gasPremium,
    long method,
    byte[] params) {
  /** Method number of a plain value transfer. */
  public static final long METHOD_SEND = 0;

  /** @throws dev.cod.common.CodException INVALID_INPUT naming the first field out of range */
  public Message {
    Checks.atLeast(version, 0, "Version");
    Checks.notNull(to, "To");
    Checks.notNull(from, "From");
    Checks.atLeast(nonce, 0, "Nonce");
    Checks.nonNegative(value, "Value");
    Checks.atLeast(gasLimit, 0, "GasLimit");
    Checks.nonNegative(gasFeeCap, "GasFeeCap");
    Checks.nonNegative(gasPremium, "GasPremium");
    Checks.atLeast(method, 0, "Method");
    params = params == null ? new byte[0] : params.clone();
  }

  /**
   * A message for {@code Filecoin.MpoolPushMessage}: version 0, nonce and gas left for Lotus to
   * fill in.
   *
   * @param value attoFIL to transfer (>= 0)
   * @param method the actor method number ({@link #METHOD_SEND} for a transfer)
   * @param params the CBOR-encoded parameters (empty for none)
   */
  public static Message send(FilecoinAddress from, FilecoinAddress to, BigInteger value,
      long method, byte[] params) {
    return new Message(0, to, from, 0, value, 0, BigInteger.ZERO, BigInteger.ZERO, method, params);
  }

  /** The parameters; a copy. */
  @Override
  public byte[] params() {
    return params.clone();
  }

  /** This message with Lotus's choices of nonce and gas. */
  public Message withNonceAndGas(long newNonce, long newGasLimit, BigInteger newGasFeeCap,
      BigInteger newGasPremium) {
    return new Message(version, to, from, newNonce, value, newGasLimit, newGasFeeCap,
        newGasPremium, method, params);
  }

  /** The most this message can cost its sender: value + gasLimit × gasFeeCap, in attoFIL. */
  public BigInteger maxCost() {
    return value.add(BigInteger.valueOf(gasLimit).multiply(gasFeeCap));
  }

  /** The message's CBOR encoding, the bytes {@link #cid()} hashes. */
  public byte[] toCbor() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Cbor.header(out, Cbor.ARRAY, 10);
    Cbor.header(out, Cbor.UNSIGNED, version);
    Cbor.bytes(out, to.bytes());
    Cbor.bytes(out, from.bytes());
    Cbor.header(out, Cbor.UNSIGNED, nonce);
    Cbor.bytes(out, Cbor.bigInt(value));
    Cbor.header(out, Cbor.UNSIGNED, gasLimit);
    Cbor.bytes(out, Cbor.bigInt(gasFeeCap));
    Cbor.bytes(out, Cbor.bigInt(gasPremium));
    Cbor.header(out, Cbor.UNSIGNED, method);
    Cbor.bytes(out, params);
    return out.toByteArray();
  }

  /** The message's CID, as Lotus computes {@code Message.Cid()}. */
  public FilecoinCid cid() {
    return FilecoinCid.ofDagCbor(toCbor());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Message m && m.version == version && m.to.equals(to)
        && m.from.equals(from) && m.nonce == nonce && m.value.equals(value)
        && m.gasLimit == gasLimit && m.gasFeeCap.equals(gasFeeCap)
        && m.gasPremium.equals(gasPremium) && m.method == method
        && Arrays.equals(m.params, params);
  }

  @Override
  public int hashCode() {
    return Objects.hash(version, to, from, nonce, value, gasLimit, gasFeeCap, gasPremium, method)
        * 31 + Arrays.hashCode(params);
  }

  @Override
  public String toString() {
    return "Message[" + from + " -> " + to + ", method " + method + ", value " + value
        + " attoFIL, nonce " + nonce + ", params " + params.length + " bytes]";
  }

  /** The few CBOR (RFC 8949) shapes a message uses: unsigned ints, byte strings, arrays. */
  static final class Cbor {
    static final int UNSIGNED = 0;
    static final int BYTES = 2;
    static final int ARRAY = 4;

    private Cbor() {}

    static void header(ByteArrayOutputStream out, int major, long n) {
      int type = major << 5;
      if (n < 24) {
        out.write(type | (int) n);
      } else if (n < 0x100) {
        out.write(type | 24);
        out.write((int) n);
      } else if (n < 0x10000) {
        out.write(type | 25);
        writeBigEndian(out, n, 2);
      } else if (n < 0x100000000L) {
        out.write(type | 26);
        writeBigEndian(out, n, 4);
      } else {
        out.write(type | 27);
        writeBigEndian(out, n, 8);
      }
    }

    static void bytes(ByteArrayOutputStream out, byte[] data) {
      header(out, BYTES, data.length);
      out.writeBytes(data);
    }

    /** Filecoin's big-int bytes: empty for zero, else sign byte (0 = positive) + magnitude. */
    static byte[] bigInt(BigInteger v) {
      if (v.signum() == 0) {
        return new byte[0];
      }
      byte[] magnitude = v.abs().toByteArray();
      int skip = magnitude[0] == 0 ? 1 : 0;
      byte[] out = new byte[magnitude.length - skip + 1];
      out[0] = (byte) (v.signum() < 0 ? 1 : 0);
      System.arraycopy(magnitude, skip, out, 1, magnitude.length - skip);
      return out;
    }

    private static void writeBigEndian(ByteArrayOutputStream out, long n, int length) {
      for (int i = length - 1; i >= 0; i--) {
        out.write((int) (n >>> (8 * i)) & 0xff);
      }
    }
  }
}
