package dev.cod.chain;

/** A job's state in the market contract; the ordinal is the Solidity enum's value. */
public enum JobState {
  NONE, OPEN, ASSIGNED, REVEALING, FINALIZED, FAILED, CANCELLED;

  /** The state with this Solidity enum value. */
  public static JobState of(int value) {
    JobState[] all = values();
    if (value < 0 || value >= all.length) {
      throw new IllegalArgumentException("unknown JobState value " + value);
    }
    return all[value];
  }

  /** Finalized, Failed and Cancelled: nothing happens to the job any more. */
  public boolean isTerminal() {
    return this == FINALIZED || this == FAILED || this == CANCELLED;
  }
}
