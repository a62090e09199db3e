package dev.cod.reputation;

import dev.cod.chain.ChainConnection;
import dev.cod.chain.EventWatcher;
import dev.cod.chain.MarketEvent;
import dev.cod.chain.WatcherStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Indexes every market event from the contract's deployment block into the reputation store,
 * independent of any provider node. Only confirmed blocks count: it reads up to
 * {@code head − confirmations}. Each block range is stored in one transaction that replaces
 * whatever the store held for those blocks, then the cursor (number and hash of the range's last
 * block) is saved: a restart resumes at the cursor, a replayed range changes nothing, and a reorg
 * under the cursor (the watcher rescans {@code maxRange} blocks back) replaces the orphaned events.
 */
public final class ReputationIndexer {
  private static final Logger LOG = LoggerFactory.getLogger(ReputationIndexer.class);
  private static final String CURSOR = "reputation";

  private final ChainConnection chain;
  private final ReputationStore store;
  private final Reputation reputation;
  private final IndexerMetrics metrics;
  private final EventWatcher watcher;

  /**
   * @param market the market's 0x address
   * @param startBlock its deployment block
   * @param confirmations blocks an event must be buried under before it counts
   * @param maxRange most blocks per {@code eth_getLogs} (Lotus caps ranges; 2,880 epochs by default)
   */
  public ReputationIndexer(ChainConnection chain, String market, long startBlock, int confirmations, int maxRange,
      ReputationStore store, Reputation reputation, IndexerMetrics metrics) {
    this.chain = chain;
    this.store = store;
    this.reputation = reputation;
    this.metrics = metrics;
    this.watcher = new EventWatcher(chain.web3j(), market, startBlock, confirmations, maxRange,
        new WatcherStore(store.database()), CURSOR);
  }

  /**
   * Indexes every confirmed event not indexed yet.
   *
   * @return how many events were stored
   * @throws dev.cod.common.RetriableCodException CHAIN_UNAVAILABLE if the endpoint fails (what was stored stays)
   */
  public int poll() {
    long started = System.nanoTime();
    try {
      int n = watcher.pollRanges(this::store);
      long head = chain.blockNumber();
      long cursor = watcher.cursorBlock().orElse(-1L);
      reputation.progress(cursor, head);
      metrics.cursorBlock.set(cursor);
      metrics.chainHead.set(head);
      if (n > 0) {
        LOG.info("indexed {} market events up to block {} (head {})", n, cursor, head);
      }
      return n;
    } catch (RuntimeException e) {
      metrics.pollFailures.inc();
      throw e;
    } finally {
      metrics.pollSeconds.observe((System.nanoTime() - started) / 1e9);
    }
  }

  private void store(long from, long to, List<MarketEvent> events) {
    TreeSet<Long> blocks = new TreeSet<>();
    events.forEach(e -> blocks.add(e.key().blockNumber()));
    Map<Long, Long> times = blocks.isEmpty() ? Map.of() : chain.blockTimestamps(blocks);
    List<EventRow> rows = new ArrayList<>(events.size());
    for (MarketEvent e : events) {
      EventRow row = EventRow.of(e, times.get(e.key().blockNumber()));
      rows.add(row);
      metrics.eventsIndexed.labelValues(row.kind()).inc();
    }
    int replaced = store.replaceRange(from, to, rows);
    if (replaced > 0) {
      LOG.warn("blocks {}..{} were indexed before ({} events): replaced with {} events (replay or reorg)",
          from, to, replaced, rows.size());
      metrics.rangesReplaced.inc();
      reputation.rebuild();
    } else {
      reputation.apply(rows);
    }
  }
}
