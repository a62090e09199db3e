package dev.cod.node;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a provider node reaches its SP's Filecoin stack, for jobs whose input is a Filecoin piece:
 * Lotus (to check which of its deals holds the piece) and booster-http (to read the piece). A
 * node without it ({@link #DISABLED}) does not bid on piece jobs.
 *
 * @param lotusUrl the Lotus API, {@code http://…/rpc/v1}; null when disabled
 * @param lotusTokenFile file holding the Lotus API token (read-only permission is enough; never
 *     logged); null when disabled
 * @param boosterHttpUrl booster-http's base URL (serves {@code /piece/<pieceCid>}); null when
 *     disabled
 * @param deals the storage deal IDs this SP holds (e.g. from {@code boostd}), tried in order
 * @param dealsFile a file of more deal IDs, one per line ({@code #} starts a comment), read again
 *     at each lookup so that new deals count without a restart; null for none
 */
public record FilecoinConfig(URI lotusUrl, Path lotusTokenFile, URI boosterHttpUrl, List<Long> deals,
    Path dealsFile) {
  /** No Lotus or booster-http: the node takes no piece jobs. */
  public static final FilecoinConfig DISABLED = new FilecoinConfig(null, null, null, List.of(), null);

  /**
   * @throws CodException INVALID_INPUT when only some of the three endpoints are set, a URL is
   *     not http(s), or a deal ID is negative
   */
  public FilecoinConfig {
    deals = List.copyOf(deals);
    boolean any = lotusUrl != null || lotusTokenFile != null || boosterHttpUrl != null;
    boolean all = lotusUrl != null && lotusTokenFile != null && boosterHttpUrl != null;
    if (any && !all) {
      throw new CodException(ErrorCode.INVALID_INPUT, "node config: lotusUrl, lotusTokenFile and boosterHttpUrl go "
          + "together (piece jobs need all three), found only some of them");
    }
    for (URI u : new URI[] {lotusUrl, boosterHttpUrl}) {
      if (u != null && !"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
        throw new CodException(ErrorCode.INVALID_INPUT, "node config: expected an http(s) URL, found " + u);
      }
    }
    if (deals.stream().anyMatch(d -> d < 0)) {
      throw new CodException(ErrorCode.INVALID_INPUT, "node config 'deals': expected deal IDs >= 0, found " + deals);
    }
  }

  /** Whether piece jobs can be taken. */
  public boolean enabled() {
    return lotusUrl != null;
  }

  /**
   * The deal IDs this SP holds now: {@link #deals} then those in {@link #dealsFile} (a missing
   * file counts as empty: it may not be written yet).
   *
   * @throws CodException INVALID_INPUT if the file cannot be read or holds a line that is not a
   *     deal ID
   */
  public List<Long> currentDeals() {
    if (dealsFile == null || !java.nio.file.Files.exists(dealsFile)) {
      return deals;
    }
    List<Long> all = new java.util.ArrayList<>(deals);
    List<String> lines;
    try {
      lines = java.nio.file.Files.readAllLines(dealsFile);
    } catch (java.io.IOException e) {
      throw new CodException(ErrorCode.INVALID_INPUT, "cannot read deals file " + dealsFile + ": " + e.getMessage(), e);
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).replaceFirst("#.*", "").trim();
      if (line.isEmpty()) {
        continue;
      }
      try {
        long id = Long.parseLong(line);
        if (id < 0) {
          throw new NumberFormatException();
        }
        all.add(id);
      } catch (NumberFormatException e) {
        throw new CodException(ErrorCode.INVALID_INPUT, "deals file " + dealsFile + " line " + (i + 1)
            + ": expected a deal ID >= 0, found \"" + line + "\"");
      }
    }
    return all;
  }
}
