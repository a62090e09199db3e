package dev.cod.reputation;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.store.H2Database;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The reputation service's own H2 database: every indexed market event as an {@link EventRow}
 * (table {@code rep_event}, keyed by block number and log index), beside the event watcher's
 * cursor ({@link dev.cod.chain.WatcherStore}, same file). The events are the source of truth: the
 * in-memory {@link ReputationModel} is folded from them at start.
 */
public final class ReputationStore {
  private static final String COLUMNS = "block_number, log_index, tx_hash, block_hash, block_time, kind, job_id, "
      + "account, idx, amount, amount2, num, num2, data";
  private final H2Database db;

  public ReputationStore(H2Database db) {
    this.db = db;
    db.execute("CREATE TABLE IF NOT EXISTS rep_event (block_number BIGINT NOT NULL, log_index INT NOT NULL, "
        + "tx_hash VARCHAR(66) NOT NULL, block_hash VARCHAR(66) NOT NULL, block_time BIGINT NOT NULL, "
        + "kind VARCHAR(32) NOT NULL, job_id BIGINT, account VARCHAR(42), idx INT, amount NUMERIC(78, 0), "
        + "amount2 NUMERIC(78, 0), num BIGINT, num2 BIGINT, data VARBINARY(1024), PRIMARY KEY (block_number, log_index))");
    db.execute("CREATE INDEX IF NOT EXISTS rep_event_job ON rep_event (job_id)");
  }

  public H2Database database() {
    return db;
  }

  /**
   * Replaces the events of blocks {@code fromBlock..toBlock} with {@code rows}, in one transaction.
   *
   * @return how many rows were there before (0 on a first pass; more on a replay or after a reorg)
   * @throws CodException STORE_FAILED if H2 fails; nothing of the range is changed then
   */
  public int replaceRange(long fromBlock, long toBlock, List<EventRow> rows) {
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try {
        int deleted;
        try (PreparedStatement d = c.prepareStatement("DELETE FROM rep_event WHERE block_number BETWEEN ? AND ?")) {
          d.setLong(1, fromBlock);
          d.setLong(2, toBlock);
          deleted = d.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO rep_event (" + COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
          int pending = 0;
          for (EventRow r : rows) {
            bind(s, r);
            s.addBatch();
            if (++pending == 1000) {
              s.executeBatch();
              pending = 0;
            }
          }
          if (pending > 0) {
            s.executeBatch();
          }
        }
        c.commit();
        return deleted;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /** Hands every stored event to {@code consumer} in chain order (block, then log index). */
  public void forEach(Consumer<EventRow> consumer) {
    query("SELECT " + COLUMNS + " FROM rep_event ORDER BY block_number, log_index", null, consumer);
  }

  /** The stored events of one job, in chain order. */
  public List<EventRow> jobEvents(long jobId) {
    List<EventRow> out = new ArrayList<>();
    query("SELECT " + COLUMNS + " FROM rep_event WHERE job_id = ? ORDER BY block_number, log_index", jobId, out::add);
    return out;
  }

  /** Number of stored events. */
  public long count() {
    try (Connection c = db.connection(); PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM rep_event");
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  private void query(String sql, Long jobId, Consumer<EventRow> consumer) {
    try (Connection c = db.connection(); PreparedStatement s = c.prepareStatement(sql)) {
      if (jobId != null) {
        s.setLong(1, jobId);
      }
      s.setFetchSize(5000);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          consumer.accept(new EventRow(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getLong(5),
              rs.getString(6), (Long) rs.getObject(7, Long.class), rs.getString(8), (Integer) rs.getObject(9, Integer.class),
              big(rs.getBigDecimal(10)), big(rs.getBigDecimal(11)), (Long) rs.getObject(12, Long.class),
              (Long) rs.getObject(13, Long.class), rs.getBytes(14)));
        }
      }
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  private static void bind(PreparedStatement s, EventRow r) throws SQLException {
    s.setLong(1, r.block());
    s.setInt(2, r.logIndex());
    s.setString(3, r.txHash());
    s.setString(4, r.blockHash());
    s.setLong(5, r.time());
    s.setString(6, r.kind());
    setLong(s, 7, r.jobId());
    s.setString(8, r.account());
    if (r.idx() == null) {
      s.setNull(9, Types.INTEGER);
    } else {
      s.setInt(9, r.idx());
    }
    s.setBigDecimal(10, r.amount() == null ? null : new BigDecimal(r.amount()));
    s.setBigDecimal(11, r.amount2() == null ? null : new BigDecimal(r.amount2()));
    setLong(s, 12, r.num());
    setLong(s, 13, r.num2());
    s.setBytes(14, r.data());
  }

  private static void setLong(PreparedStatement s, int i, Long v) throws SQLException {
    if (v == null) {
      s.setNull(i, Types.BIGINT);
    } else {
      s.setLong(i, v);
    }
  }

  private static BigInteger big(BigDecimal d) {
    return d == null ? null : d.toBigIntegerExact();
  }

  private static CodException failed(SQLException e) {
    return new CodException(ErrorCode.STORE_FAILED, "reputation store: " + e.getMessage()
        + "; is another `cod reputation serve` using the same --db?", e);
  }
}
