package dev.cod.reputation;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The reputation service's own metrics, in the Prometheus text format at {@code /metrics}:
 * events indexed (by kind), ranges replaced (replays and reorgs), the indexer's cursor and the
 * chain head (block numbers), poll duration and failures, and API request latency by route.
 */
public final class IndexerMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  final Counter eventsIndexed = Counter.builder().name("cod_reputation_events_indexed")
      .help("market events stored by the indexer, by event name").labelNames("kind").register(registry);
  final Counter rangesReplaced = Counter.builder().name("cod_reputation_ranges_replaced")
      .help("block ranges whose stored events were replaced (a replay after a crash, or a reorg)").register(registry);
  final Counter pollFailures = Counter.builder().name("cod_reputation_poll_failures")
      .help("indexer polls that failed (chain endpoint or store); retried at the next poll").register(registry);
  final Gauge cursorBlock = Gauge.builder().name("cod_reputation_cursor_block")
      .help("last block whose events are indexed (confirmed blocks only)").register(registry);
  final Gauge chainHead = Gauge.builder().name("cod_reputation_chain_head_block")
      .help("the chain's latest block at the last poll").register(registry);
  final Histogram pollSeconds = Histogram.builder().name("cod_reputation_poll_seconds")
      .help("duration of one indexer poll").classicOnly()
      .classicUpperBounds(0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120).register(registry);
  final Histogram apiSeconds = Histogram.builder().name("cod_reputation_api_request_seconds")
      .help("HTTP request latency by route").labelNames("route").classicOnly()
      .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1).register(registry);

  /** Records an API request's duration (seconds) under its route template. */
  public void observeRequest(String route, double seconds) {
    apiSeconds.labelValues(route).observe(seconds);
  }

  /** The metrics in the Prometheus text exposition format (0.0.4). */
  public String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      new PrometheusTextFormatWriter(false).write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  public static String contentType() {
    return PrometheusTextFormatWriter.CONTENT_TYPE;
  }
}
