package dev.cod.reputation;

/**
 * A provider's reputation score, 0..100, from its settled jobs (see the README's "Reputation"
 * section for why):
 *
 * <pre>
 *   reliability  = (agreed + 1) / (agreed + faults + 2)       Laplace-smoothed success rate (Golem's success rate)
 *   contribution = c, folded over settlements in chain order:  c += 1 on an agreeing reveal in a job with
 *                  at least two agreeing providers, c *= 2/3 on a fault   (iExec's worker score)
 *   confidence   = c / (c + 5)
 *   score        = 100 * reliability * confidence
 * </pre>
 *
 * where {@code agreed} counts reveals of the accepted result and {@code faults} counts slashes
 * (dissent, no commit, no reveal).
 */
public final class Score {
  /** The contribution at which confidence is one half. */
  public static final double HALF_CONFIDENCE = 5.0;
  /** What a fault leaves of the contribution score (iExec PoCo: two thirds). */
  public static final double FAULT_FACTOR = 2.0 / 3.0;

  private Score() {}

  /**
   * @param agreed reveals of the accepted result (finalized jobs), at least 0
   * @param faults slashes of any reason, at least 0
   * @param contribution the iExec-style contribution score, at least 0
   * @return the score, 0..100
   */
  public static double of(long agreed, long faults, double contribution) {
    if (agreed < 0 || faults < 0 || contribution < 0) {
      throw new IllegalArgumentException("counts and contribution must not be negative");
    }
    double reliability = (agreed + 1.0) / (agreed + faults + 2.0);
    double confidence = contribution / (contribution + HALF_CONFIDENCE);
    return 100.0 * reliability * confidence;
  }

  /** The contribution after an agreeing reveal ({@code verified}: two or more providers agreed). */
  public static double afterAgreement(double contribution, boolean verified) {
    return verified ? contribution + 1 : contribution;
  }

  /** The contribution after a fault (dissent, no commit or no reveal). */
  public static double afterFault(double contribution) {
    return contribution * FAULT_FACTOR;
  }
}
