package dev.cod.chain;

/** A job just posted: its id (from the {@code JobPosted} event) and the transaction. */
public record PostedJob(long jobId, TxResult tx) {}
