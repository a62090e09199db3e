package dev.cod.filecoin.lotus;

/**
 * A tipset as cod reads it from {@code Filecoin.ChainHead}: its key and its epoch. Lotus also
 * returns the block headers ({@code Blocks}); cod needs none of their fields.
 *
 * <p>Source: Lotus API v1 reference, {@code ChainHead} ({@code Cids}, {@code Height}).
 *
 * @param key the CIDs of the tipset's blocks (never empty for a real tipset)
 * @param height the tipset's epoch (>= 0)
 */
public record TipSet(TipSetKey key, long height) {
  /** @throws dev.cod.common.CodException INVALID_INPUT for an empty key or a negative height */
  public TipSet {
    Checks.notNull(key, "Cids");
    if (key.isEmpty()) {
      throw Checks.invalid("Cids", "at least one block CID", "none");
    }
    Checks.atLeast(height, 0, "Height");
  }
}
