package dev.cod.chain;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.store.H2Database;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The transactions of each sending account, in H2, written <em>before</em> a transaction is
 * broadcast so that a restart finds every nonce it used: per nonce, what it calls (to, data,
 * value, gas limit) and its state; per nonce, every signed attempt (the first and its fee-bumped
 * replacements) with its hash, raw bytes, fees and the time it was sent.
 *
 * <p>Accounts are stored as lower-case 0x addresses. Fees are in attoFIL (= wei on FEVM) per gas.
 */
public final class TxStore {
  private final H2Database db;

  /** What became of a nonce. */
  public enum State {
    /** Sent (or about to be) and not yet known to be mined. */
    PENDING,
    /** Mined and successful. */
    MINED,
    /** Mined and reverted. */
    REVERTED,
    /** Taken on chain by a transaction this store does not know (another wallet or process). */
    DROPPED
  }

  /**
   * One signed transaction for a nonce.
   *
   * @param hash 0x-prefixed keccak256 of {@code raw}
   * @param raw 0x-prefixed signed EIP-1559 transaction, as given to {@code eth_sendRawTransaction}
   * @param maxFeePerGas attoFIL per gas
   * @param maxPriorityFeePerGas attoFIL per gas
   * @param sentAt when it was (first) handed to the endpoint
   */
  public record Attempt(String hash, String raw, BigInteger maxFeePerGas, BigInteger maxPriorityFeePerGas,
      Instant sentAt) {
    public Attempt {
      Objects.requireNonNull(hash, "hash");
      Objects.requireNonNull(raw, "raw");
      Objects.requireNonNull(maxFeePerGas, "maxFeePerGas");
      Objects.requireNonNull(maxPriorityFeePerGas, "maxPriorityFeePerGas");
      Objects.requireNonNull(sentAt, "sentAt");
    }
  }

  /**
   * A nonce of an account and what it carries.
   *
   * @param to 0x address called, or "" for a contract creation
   * @param data 0x-prefixed call data
   * @param value attoFIL sent along
   * @param gasLimit gas units
   * @param reported whether a caller was told the outcome; an unreported one is adopted by the next identical call
   * @param attempts oldest first; never empty
   */
  public record StoredTx(String account, long nonce, String to, String data, BigInteger value, BigInteger gasLimit,
      State state, boolean reported, List<Attempt> attempts) {
    public StoredTx {
      attempts = List.copyOf(attempts);
    }

    public Attempt latest() {
      return attempts.get(attempts.size() - 1);
    }

    /** Whether this transaction calls the same thing as (to, data, value). */
    public boolean sameCall(String to, String data, BigInteger value) {
      return this.to.equalsIgnoreCase(to == null ? "" : to) && this.data.equalsIgnoreCase(data == null ? "0x" : data)
          && this.value.equals(value);
    }
  }

  public TxStore(H2Database db) {
    this.db = db;
    db.execute("CREATE TABLE IF NOT EXISTS tx_nonce (account VARCHAR(42) NOT NULL, nonce BIGINT NOT NULL, "
        + "to_address VARCHAR(42) NOT NULL, data CLOB NOT NULL, value_atto NUMERIC(78, 0) NOT NULL, "
        + "gas_limit NUMERIC(78, 0) NOT NULL, state VARCHAR(16) NOT NULL, reported BOOLEAN NOT NULL, "
        + "PRIMARY KEY (account, nonce))");
    db.execute("CREATE TABLE IF NOT EXISTS tx_attempt (hash VARCHAR(66) PRIMARY KEY, account VARCHAR(42) NOT NULL, "
        + "nonce BIGINT NOT NULL, raw CLOB NOT NULL, max_fee NUMERIC(78, 0) NOT NULL, "
        + "priority_fee NUMERIC(78, 0) NOT NULL, sent_at_millis BIGINT NOT NULL)");
    db.execute("CREATE INDEX IF NOT EXISTS tx_attempt_nonce ON tx_attempt (account, nonce)");
  }

  /** One past the highest nonce stored for {@code account}, or 0. */
  public long nextNonce(String account) {
    return next(account, "");
  }

  /** One past the highest nonce of {@code account} still {@link State#PENDING}, or 0. */
  public long nextAfterPending(String account) {
    return next(account, " AND state = 'PENDING'");
  }

  private long next(String account, String condition) {
    try (Connection c = db.connection();
        PreparedStatement s = c.prepareStatement("SELECT MAX(nonce) FROM tx_nonce WHERE account = ?" + condition)) {
      s.setString(1, key(account));
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        long max = rs.getLong(1);
        return rs.wasNull() ? 0 : max + 1;
      }
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /**
   * Records a new nonce with its first attempt, in one database transaction.
   *
   * @throws CodException STORE_FAILED if the nonce is stored already (two managers for one account?)
   */
  public void insert(StoredTx tx) {
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try (PreparedStatement s = c.prepareStatement("INSERT INTO tx_nonce VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        s.setString(1, key(tx.account()));
        s.setLong(2, tx.nonce());
        s.setString(3, tx.to());
        s.setString(4, tx.data());
        s.setBigDecimal(5, new BigDecimal(tx.value()));
        s.setBigDecimal(6, new BigDecimal(tx.gasLimit()));
        s.setString(7, tx.state().name());
        s.setBoolean(8, tx.reported());
        s.executeUpdate();
        for (Attempt a : tx.attempts()) {
          insertAttempt(c, tx.account(), tx.nonce(), a);
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /** Records a replacement of a stored nonce. */
  public void addAttempt(String account, long nonce, Attempt attempt) {
    try (Connection c = db.connection()) {
      insertAttempt(c, account, nonce, attempt);
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  private static void insertAttempt(Connection c, String account, long nonce, Attempt a) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO tx_attempt VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      s.setString(1, a.hash().toLowerCase(Locale.ROOT));
      s.setString(2, key(account));
      s.setLong(3, nonce);
      s.setString(4, a.raw());
      s.setBigDecimal(5, new BigDecimal(a.maxFeePerGas()));
      s.setBigDecimal(6, new BigDecimal(a.maxPriorityFeePerGas()));
      s.setLong(7, a.sentAt().toEpochMilli());
      s.executeUpdate();
    }
  }

  /** Forgets an attempt the endpoint refused outright (it was never in any mempool). */
  public void deleteAttempt(String hash) {
    update("DELETE FROM tx_attempt WHERE hash = ?", s -> s.setString(1, hash.toLowerCase(Locale.ROOT)));
  }

  /** Forgets a nonce whose only attempt the endpoint refused outright, so that the nonce is used again. */
  public void delete(String account, long nonce) {
    update("DELETE FROM tx_attempt WHERE account = ? AND nonce = ?", s -> {
      s.setString(1, key(account));
      s.setLong(2, nonce);
    });
    update("DELETE FROM tx_nonce WHERE account = ? AND nonce = ?", s -> {
      s.setString(1, key(account));
      s.setLong(2, nonce);
    });
  }

  /** Sets what became of a nonce, and whether a caller was told. */
  public void finish(String account, long nonce, State state, boolean reported) {
    update("UPDATE tx_nonce SET state = ?, reported = ? WHERE account = ? AND nonce = ?", s -> {
      s.setString(1, state.name());
      s.setBoolean(2, reported);
      s.setString(3, key(account));
      s.setLong(4, nonce);
    });
  }

  /** The nonce, with its attempts. */
  public Optional<StoredTx> get(String account, long nonce) {
    List<StoredTx> found = select("WHERE account = ? AND nonce = ?", s -> {
      s.setString(1, key(account));
      s.setLong(2, nonce);
    });
    return found.stream().findFirst();
  }

  /** Every nonce of {@code account} still pending, or mined but not yet reported to a caller, lowest first. */
  public List<StoredTx> unfinished(String account) {
    return select("WHERE account = ? AND (state = 'PENDING' OR reported = FALSE) ORDER BY nonce",
        s -> s.setString(1, key(account)));
  }

  /** Every nonce of {@code account}, lowest first. */
  public List<StoredTx> all(String account) {
    return select("WHERE account = ? ORDER BY nonce", s -> s.setString(1, key(account)));
  }

  private List<StoredTx> select(String where, Binder binder) {
    try (Connection c = db.connection();
        PreparedStatement s = c.prepareStatement("SELECT account, nonce, to_address, data, value_atto, gas_limit, "
            + "state, reported FROM tx_nonce " + where)) {
      binder.bind(s);
      List<StoredTx> out = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          String account = rs.getString(1);
          long nonce = rs.getLong(2);
          out.add(new StoredTx(account, nonce, rs.getString(3), rs.getString(4),
              rs.getBigDecimal(5).toBigIntegerExact(), rs.getBigDecimal(6).toBigIntegerExact(),
              State.valueOf(rs.getString(7)), rs.getBoolean(8), attempts(c, account, nonce)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  private static List<Attempt> attempts(Connection c, String account, long nonce) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT hash, raw, max_fee, priority_fee, sent_at_millis "
        + "FROM tx_attempt WHERE account = ? AND nonce = ? ORDER BY max_fee, sent_at_millis")) {
      s.setString(1, account);
      s.setLong(2, nonce);
      List<Attempt> out = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(new Attempt(rs.getString(1), rs.getString(2), rs.getBigDecimal(3).toBigIntegerExact(),
              rs.getBigDecimal(4).toBigIntegerExact(), Instant.ofEpochMilli(rs.getLong(5))));
        }
      }
      return out;
    }
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement s) throws SQLException;
  }

  private void update(String sql, Binder binder) {
    try (Connection c = db.connection(); PreparedStatement s = c.prepareStatement(sql)) {
      binder.bind(s);
      s.executeUpdate();
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  private static String key(String account) {
    return account.toLowerCase(Locale.ROOT);
  }

  private static CodException failed(SQLException e) {
    return new CodException(ErrorCode.STORE_FAILED, "transaction store: " + e.getMessage(), e);
  }
}
