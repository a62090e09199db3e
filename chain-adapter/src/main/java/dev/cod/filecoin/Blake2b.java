package dev.cod.filecoin;

import org.bouncycastle.crypto.digests.Blake2bDigest;

/**
 * BLAKE2b with the digest lengths Filecoin uses: 4 bytes (address checksums), 20 bytes (f1/f2
 * address payloads) and 32 bytes (blake2b-256, the hash of message and block CIDs).
 *
 * <p>Source: <a href="https://spec.filecoin.io/appendix/address/">Filecoin spec, Addresses</a>
 * (checksum and payload hashes); BouncyCastle's {@link Blake2bDigest} computes them (RFC 7693,
 * unkeyed).
 */
final class Blake2b {
  private Blake2b() {}

  /** The unkeyed BLAKE2b digest of {@code length} bytes (1 to 64) over the concatenated parts. */
  static byte[] digest(int length, byte[]... parts) {
    Blake2bDigest digest = new Blake2bDigest(length * 8);
    for (byte[] part : parts) {
      digest.update(part, 0, part.length);
    }
    byte[] out = new byte[length];
    digest.doFinal(out, 0);
    return out;
  }
}
