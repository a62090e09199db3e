package dev.cod.chain;

/** A bid just placed: its index in the job (from the {@code BidPlaced} event) and the transaction. */
public record PlacedBid(int index, TxResult tx) {}
