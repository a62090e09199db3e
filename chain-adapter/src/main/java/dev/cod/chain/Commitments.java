package dev.cod.chain;

import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * The commit-reveal commitment of {@code JobMarket}:
 * {@code keccak256(abi.encode(chainid, market, jobId, provider, resultCid, salt))}. Binding the
 * chain, the contract, the job and the provider stops a commitment being copied or replayed.
 */
public final class Commitments {
  private Commitments() {}

  /**
   * @param resultCid the binary result CID
   * @param salt 32 random bytes, kept secret until the reveal
   * @return the 32-byte commitment
   */
  public static byte[] of(long chainId, String market, long jobId, String provider, byte[] resultCid, byte[] salt) {
    if (salt.length != 32) {
      throw new IllegalArgumentException("salt must be 32 bytes, got " + salt.length);
    }
    List<Type> values = List.of(
        new Uint256(BigInteger.valueOf(chainId)),
        new Address(market),
        new Uint256(BigInteger.valueOf(jobId)),
        new Address(provider),
        new DynamicBytes(resultCid),
        new Bytes32(salt));
    String encoded = FunctionEncoder.encodeConstructor(values);
    return Hash.sha3(Numeric.hexStringToByteArray(encoded));
  }
}
