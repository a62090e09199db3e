package dev.cod.node.ipfs;

import dev.cod.cid.Cid;
import java.util.Optional;

/**
 * Blocks whose bytes were already checked against their CID's multihash, looked up by CID. A
 * lookup matches on the multihash (the same bytes under a v0 or a v1 CID, any codec).
 */
@FunctionalInterface
public interface BlockSource {
  /** The verified bytes of the block {@code cid} names, or empty if this source lacks it. */
  Optional<byte[]> get(Cid cid);
}
