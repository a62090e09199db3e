package dev.cod.chain;

import java.math.BigInteger;

/**
 * A job as the contract stores it ({@code JobMarket.getJob}). Amounts in attoFIL, deadlines in
 * seconds since the Unix epoch (block timestamps); a zero deadline is not set yet.
 *
 * @param acceptedResultHash keccak256 of the accepted result CID (binary), zero until finalized
 */
public record JobView(
    long jobId, String client, JobState state, int replicas, int quorum, int bidCount,
    int commitCount, int revealCount, BigInteger maxPrice, BigInteger stakePerReplica,
    long bidDeadline, long commitDeadline, long revealDeadline, long executionWindow,
    long revealWindow, byte[] acceptedResultHash, byte[] specCid) {}
