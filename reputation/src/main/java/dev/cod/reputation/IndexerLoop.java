package dev.cod.reputation;

import dev.cod.common.CodException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link ReputationIndexer#poll} on one thread, {@code interval} after the previous poll
 * ended. A failed poll (chain endpoint down, store error) is logged and counted in the metrics;
 * the next poll starts again from the cursor.
 */
public final class IndexerLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IndexerLoop.class);
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "reputation-indexer");
    t.setDaemon(true);
    return t;
  });

  public IndexerLoop(ReputationIndexer indexer, Duration interval) {
    executor.scheduleWithFixedDelay(() -> {
      try {
        indexer.poll();
      } catch (CodException e) {
        LOG.warn("indexer poll failed ({}), retrying in {}: {}", e.code(), interval, e.getMessage());
      } catch (RuntimeException e) {
        LOG.error("indexer poll failed, retrying in {}", interval, e);
      }
    }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
