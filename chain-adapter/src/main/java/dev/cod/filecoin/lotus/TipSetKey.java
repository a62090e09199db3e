package dev.cod.filecoin.lotus;

import dev.cod.filecoin.FilecoinCid;
import java.util.List;

/**
 * The key of a tipset: the CIDs of its blocks, in the order Lotus gives them. Lotus state methods
 * take one to say "the state as of this tipset"; {@link #EMPTY} means the heaviest tipset (the
 * head), as the Lotus v1 API reference says for a nil TipSetKey.
 *
 * <p>JSON: an array of {@code {"/": "bafy2bzace…"}}. Source: Lotus API v1 reference,
 * documentation/en/api-methods-v1-stable.md, "State" section.
 *
 * @param cids the block CIDs; empty for "the current head"
 */
public record TipSetKey(List<FilecoinCid> cids) {
  /** The empty key: Lotus answers from the heaviest tipset. */
  public static final TipSetKey EMPTY = new TipSetKey(List.of());

  /** @throws dev.cod.common.CodException INVALID_INPUT for a null list or a null CID */
  public TipSetKey {
    Checks.notNull(cids, "TipSetKey");
    for (FilecoinCid cid : cids) {
      Checks.notNull(cid, "TipSetKey[]");
    }
    cids = List.copyOf(cids);
  }

  /** The key of the given block CIDs. */
  public static TipSetKey of(FilecoinCid... cids) {
    return new TipSetKey(List.of(cids));
  }

  /** Whether this is {@link #EMPTY}. */
  public boolean isEmpty() {
    return cids.isEmpty();
  }
}
