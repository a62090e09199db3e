package dev.cod.chain;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.store.H2Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The event watcher's persistent state in H2: per watcher name, the last fully handled block
 * (number and hash), and the key (transaction hash, log index) of every handled event.
 */
public final class WatcherStore {
  private final H2Database db;

  /** A cursor: every event up to and including {@code blockNumber} was handled. */
  public record Cursor(long blockNumber, String blockHash) {}

  public WatcherStore(H2Database db) {
    this.db = db;
    db.execute("CREATE TABLE IF NOT EXISTS watcher_cursor (name VARCHAR(64) PRIMARY KEY, "
        + "block_number BIGINT NOT NULL, block_hash VARCHAR(66) NOT NULL)");
    db.execute("CREATE TABLE IF NOT EXISTS handled_event (tx_hash VARCHAR(66) NOT NULL, "
        + "log_index BIGINT NOT NULL, block_number BIGINT NOT NULL, PRIMARY KEY (tx_hash, log_index))");
  }

  public Optional<Cursor> cursor(String name) {
    try (Connection c = db.connection();
        PreparedStatement s = c.prepareStatement("SELECT block_number, block_hash FROM watcher_cursor WHERE name = ?")) {
      s.setString(1, name);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(new Cursor(rs.getLong(1), rs.getString(2))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  public void saveCursor(String name, Cursor cursor) {
    try (Connection c = db.connection();
        PreparedStatement s = c.prepareStatement("MERGE INTO watcher_cursor KEY (name) VALUES (?, ?, ?)")) {
      s.setString(1, name);
      s.setLong(2, cursor.blockNumber());
      s.setString(3, cursor.blockHash());
      s.executeUpdate();
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  public boolean isHandled(MarketEvent.EventKey key) {
    try (Connection c = db.connection();
        PreparedStatement s = c.prepareStatement("SELECT 1 FROM handled_event WHERE tx_hash = ? AND log_index = ?")) {
      s.setString(1, key.txHash());
      s.setLong(2, key.logIndex());
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  public void markHandled(MarketEvent.EventKey key) {
    try (Connection c = db.connection();
        PreparedStatement s = c.prepareStatement("MERGE INTO handled_event KEY (tx_hash, log_index) VALUES (?, ?, ?)")) {
      s.setString(1, key.txHash());
      s.setLong(2, key.logIndex());
      s.setLong(3, key.blockNumber());
      s.executeUpdate();
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  private static CodException failed(SQLException e) {
    return new CodException(ErrorCode.STORE_FAILED, "watcher store: " + e.getMessage(), e);
  }
}
