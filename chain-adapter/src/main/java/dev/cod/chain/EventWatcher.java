package dev.cod.chain;

import dev.cod.common.ErrorCode;
import dev.cod.common.RetriableCodException;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;

/**
 * Follows the market's events by polling {@code eth_getLogs} over bounded block ranges up to
 * {@code head − confirmations}. No server-side filters: they expire on Lotus. The cursor (number
 * and hash of the last handled block) and every handled event's key live in H2
 * ({@link WatcherStore}), so a restarted watcher neither misses nor repeats an event: an event is
 * marked handled only after its handler returned, and handlers must be idempotent (a crash
 * between the two replays that one event). If the block under the cursor changed (a reorg deeper
 * than the confirmations), the cursor steps back {@code maxRange} blocks and already handled keys
 * are skipped.
 */
public final class EventWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(EventWatcher.class);

  private final Web3j web3j;
  private final String market;
  private final long startBlock;
  private final int confirmations;
  private final int maxRange;
  private final WatcherStore store;
  private final String name;

  /**
   * @param market the market's 0x address
   * @param startBlock first block to scan (the market's deployment block)
   * @param confirmations blocks a log must be buried under before it is handled
   * @param maxRange most blocks per {@code eth_getLogs} call (Lotus caps ranges)
   * @param name the cursor's name in the store (one per watcher)
   */
  public EventWatcher(Web3j web3j, String market, long startBlock, int confirmations, int maxRange,
      WatcherStore store, String name) {
    if (confirmations < 0 || maxRange < 1 || startBlock < 0) {
      throw new IllegalArgumentException("confirmations >= 0, maxRange >= 1, startBlock >= 0 required");
    }
    this.web3j = web3j;
    this.market = market;
    this.startBlock = startBlock;
    this.confirmations = confirmations;
    this.maxRange = maxRange;
    this.store = store;
    this.name = name;
  }

  /**
   * Handles every new confirmed event, in chain order, up to the current safe head.
   *
   * @return how many events the handler was given
   * @throws RetriableCodException CHAIN_UNAVAILABLE if the endpoint fails; the cursor stays where it was
   * @throws RuntimeException whatever the handler throws; that event is not marked handled
   */
  public int poll(Consumer<MarketEvent> handler) {
    return scan((from, to) -> handleRange(from, to, handler));
  }

  /**
   * A consumer of whole block ranges (see {@link #pollRanges}). A range may be handed again (after
   * a crash before its cursor was saved, or rescanned after a reorg): its events then replace
   * whatever was handed before for those blocks, so a handler that deletes what it holds for
   * {@code fromBlock..toBlock} and stores {@code events} in one transaction is idempotent and
   * follows reorgs.
   */
  @FunctionalInterface
  public interface RangeHandler {
    /**
     * @param fromBlock first block of the range (inclusive)
     * @param toBlock last block of the range (inclusive), at most the safe head
     * @param events the range's market events in chain order (block, then log index); may be empty
     */
    void handle(long fromBlock, long toBlock, List<MarketEvent> events);
  }

  /**
   * The batch form of {@link #poll}, for indexers: hands each scanned range's events at once, then
   * saves the cursor. No per-event bookkeeping is kept (the handler's range replacement is what
   * makes a replay harmless), which is what lets an indexer store thousands of events per
   * transaction.
   *
   * @return how many events were handed over
   * @throws RetriableCodException CHAIN_UNAVAILABLE if the endpoint fails; the cursor stays at the last handled range
   * @throws RuntimeException whatever the handler throws; that range's cursor is not saved
   */
  public int pollRanges(RangeHandler handler) {
    return scan((from, to) -> {
      List<MarketEvent> events = fetch(from, to);
      handler.handle(from, to, events);
      return events.size();
    });
  }

  /** Handles one block range; returns how many events it handled. */
  @FunctionalInterface
  private interface RangeScan {
    int scan(long fromBlock, long toBlock) throws IOException;
  }

  /**
   * Scans from the cursor to the safe head in ranges of at most {@code maxRange} blocks, saving
   * the cursor after each range.
   */
  private int scan(RangeScan range) {
    try {
      long safeHead = web3j.ethBlockNumber().send().getBlockNumber().longValueExact() - confirmations;
      long next = nextBlock();
      int handled = 0;
      while (next <= safeHead) {
        long to = Math.min(safeHead, next + maxRange - 1);
        handled += range.scan(next, to);
        store.saveCursor(name, new WatcherStore.Cursor(to, blockHash(to)));
        next = to + 1;
      }
      return handled;
    } catch (IOException e) {
      throw new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE, "event watcher: " + e.getMessage(), e);
    }
  }

  /** The last block every event of which was handled, if any was. */
  public Optional<Long> cursorBlock() {
    return store.cursor(name).map(WatcherStore.Cursor::blockNumber);
  }

  private long nextBlock() throws IOException {
    Optional<WatcherStore.Cursor> cursor = store.cursor(name);
    if (cursor.isEmpty()) {
      return startBlock;
    }
    WatcherStore.Cursor c = cursor.get();
    String hash = blockHash(c.blockNumber());
    if (!c.blockHash().equalsIgnoreCase(hash)) {
      long back = Math.max(startBlock, c.blockNumber() - maxRange);
      LOG.warn("block {} changed under the cursor (was {}, now {}): rescanning from block {}",
          c.blockNumber(), c.blockHash(), hash, back);
      return back;
    }
    return c.blockNumber() + 1;
  }

  private int handleRange(long from, long to, Consumer<MarketEvent> handler) throws IOException {
    int handled = 0;
    for (MarketEvent event : fetch(from, to)) {
      if (store.isHandled(event.key())) {
        continue;
      }
      handler.accept(event);
      store.markHandled(event.key());
      handled++;
    }
    return handled;
  }

  /** The decoded market events of blocks {@code from..to}, removed logs left out. */
  private List<MarketEvent> fetch(long from, long to) throws IOException {
    EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
        DefaultBlockParameter.valueOf(BigInteger.valueOf(to)), market);
    EthLog response = web3j.ethGetLogs(filter).send();
    if (response.hasError()) {
      throw new IOException("eth_getLogs " + from + ".." + to + ": " + response.getError().getMessage());
    }
    @SuppressWarnings("rawtypes")
    List<EthLog.LogResult> logs = response.getLogs();
    List<MarketEvent> events = new ArrayList<>(logs.size());
    for (EthLog.LogResult<?> result : logs) {
      Log log = (Log) result.get();
      if (!Boolean.TRUE.equals(log.isRemoved())) {
        MarketEvent.decode(log).ifPresent(events::add);
      }
    }
    return events;
  }

  private String blockHash(long number) throws IOException {
    EthBlock block = web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(number)), false).send();
    if (block.getBlock() == null) {
      throw new IOException("block " + number + " not found");
    }
    return block.getBlock().getHash();
  }
}
