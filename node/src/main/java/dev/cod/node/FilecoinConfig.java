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
 */
public record FilecoinConfig(URI lotusUrl, Path lotusTokenFile, URI boosterHttpUrl, List<Long> deals) {
  /** No Lotus or booster-http: the node takes no piece jobs. */
  public static final FilecoinConfig DISABLED = new FilecoinConfig(null, null, null, List.of());

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
}
