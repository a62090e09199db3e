package dev.cod.node;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.store.H2Database;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The provider's record of every job it has seen, in H2: the step it reached and what it needs
 * to resume (the salt and result CID before the commit is sent), so that a restarted node never
 * bids, commits or reveals twice.
 */
public final class JobStore {
  /**
   * Where a job stands for this provider. Auction: SEEN → BID → ASSIGNED → EXECUTED → COMMITTED
   * → REVEALED → SETTLED → DONE. Fast path (the provider runs first and bids with its
   * commitment): SEEN → ASSIGNED → EXECUTED → COMMITTED (the bid) → REVEALED → SETTLED → DONE.
   */
  public enum Step {
    /** Posted; not decided yet. */
    SEEN,
    /** Not bid on; {@code note} says why. */
    SKIPPED,
    /** Auction bid placed; waiting for the assignment. */
    BID,
    /** Other providers won, or the fast-path job filled up before this node's bid. */
    LOST,
    /** To run: assigned (auction), or taken on (fast path). */
    ASSIGNED,
    /** Ran and published; salt and result CID recorded; commit (auction) or bid with the commitment (fast path) next. */
    EXECUTED,
    /** Committed (the bid index is recorded); reveal when reveals open. */
    COMMITTED,
    /** Revealed; waiting for the settlement. */
    REVEALED,
    /** Settled on chain; earnings to withdraw. */
    SETTLED,
    /** Nothing more to do. */
    DONE,
    /** Could not run or missed a deadline; {@code note} says why. */
    ABANDONED;

    public boolean isActive() {
      return this != SKIPPED && this != LOST && this != DONE && this != ABANDONED;
    }
  }

  /**
   * One job as this provider knows it.
   *
   * @param specCid the spec CID (string form)
   * @param price this provider's bid, attoFIL (null before bidding)
   * @param salt 32 secret bytes of the commitment (null before execution)
   * @param resultCid the published result's CID (null before execution)
   * @param pieceCid the job's input piece CID (string form; null when the job names no piece)
   * @param dealId the storage deal this provider's bid names for the piece (0 when none)
   */
  public record Row(long jobId, Step step, String specCid, BigInteger maxPrice, BigInteger stake,
      BigInteger price, byte[] salt, String resultCid, String note, boolean auction, int bidIndex,
      String pieceCid, long dealId) {
    /** A fast-path row with no bid index, piece or deal yet. */
    public Row(long jobId, Step step, String specCid, BigInteger maxPrice, BigInteger stake, BigInteger price,
        byte[] salt, String resultCid, String note) {
      this(jobId, step, specCid, maxPrice, stake, price, salt, resultCid, note, false, -1, null, 0);
    }

    public Row withStep(Step next, String why) {
      return new Row(jobId, next, specCid, maxPrice, stake, price, salt, resultCid, why, auction, bidIndex,
          pieceCid, dealId);
    }

    /** This row after a bid at {@code index} for {@code bidPrice}. */
    public Row withBid(Step next, BigInteger bidPrice, int index, String why) {
      return new Row(jobId, next, specCid, maxPrice, stake, bidPrice, salt, resultCid, why, auction, index,
          pieceCid, dealId);
    }

    /** This row after running the job: the salt of its commitment and the result CID. */
    public Row withResult(Step next, byte[] newSalt, String newResultCid, String why) {
      return new Row(jobId, next, specCid, maxPrice, stake, price, newSalt, newResultCid, why, auction, bidIndex,
          pieceCid, dealId);
    }

    /** This row with the deal its bid names for the job's piece. */
    public Row withDeal(long newDealId) {
      return new Row(jobId, step, specCid, maxPrice, stake, price, salt, resultCid, note, auction, bidIndex,
          pieceCid, newDealId);
    }
  }

  private final H2Database db;

  public JobStore(H2Database db) {
    this.db = db;
    db.execute("CREATE TABLE IF NOT EXISTS node_job (job_id BIGINT PRIMARY KEY, step VARCHAR(16) NOT NULL, "
        + "spec_cid VARCHAR(128) NOT NULL, max_price DECIMAL(40,0) NOT NULL, stake DECIMAL(40,0) NOT NULL, "
        + "price DECIMAL(40,0), salt BINARY(32), result_cid VARCHAR(128), note VARCHAR(1024), "
        + "updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)");
    db.execute("ALTER TABLE node_job ADD COLUMN IF NOT EXISTS auction BOOLEAN DEFAULT FALSE NOT NULL");
    db.execute("ALTER TABLE node_job ADD COLUMN IF NOT EXISTS bid_index INT DEFAULT -1 NOT NULL");
    db.execute("ALTER TABLE node_job ADD COLUMN IF NOT EXISTS piece_cid VARCHAR(128)");
    db.execute("ALTER TABLE node_job ADD COLUMN IF NOT EXISTS deal_id BIGINT DEFAULT 0 NOT NULL");
  }

  /** Records a newly seen fast-path job; does nothing if the job is known (idempotent). */
  public void insertIfAbsent(long jobId, String specCid, BigInteger maxPrice, BigInteger stake) {
    insertIfAbsent(jobId, specCid, maxPrice, stake, false);
  }

  /**
   * Records a newly seen job; does nothing if the job is known (idempotent).
   *
   * @param auction whether the job is an auction (else the fast path)
   */
  public void insertIfAbsent(long jobId, String specCid, BigInteger maxPrice, BigInteger stake, boolean auction) {
    insertIfAbsent(jobId, specCid, maxPrice, stake, auction, null);
  }

  /**
   * Records a newly seen job; does nothing if the job is known (idempotent).
   *
   * @param auction whether the job is an auction (else the fast path)
   * @param pieceCid the job's input piece CID, or null when it names none
   */
  public void insertIfAbsent(long jobId, String specCid, BigInteger maxPrice, BigInteger stake, boolean auction,
      String pieceCid) {
    try (Connection c = db.connection();
        PreparedStatement s = c.prepareStatement("MERGE INTO node_job (job_id, step, spec_cid, max_price, stake, "
            + "auction, piece_cid) KEY (job_id) SELECT ?, ?, ?, ?, ?, ?, ? "
            + "WHERE NOT EXISTS (SELECT 1 FROM node_job WHERE job_id = ?)")) {
      s.setLong(1, jobId);
      s.setString(2, Step.SEEN.name());
      s.setString(3, specCid);
      s.setBigDecimal(4, new java.math.BigDecimal(maxPrice));
      s.setBigDecimal(5, new java.math.BigDecimal(stake));
      s.setBoolean(6, auction);
      s.setString(7, pieceCid);
      s.setLong(8, jobId);
      s.executeUpdate();
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  public Optional<Row> find(long jobId) {
    List<Row> rows = query("SELECT * FROM node_job WHERE job_id = ?", jobId);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  /** Jobs that still need something from this provider, oldest first. */
  public List<Row> active() {
    List<Row> out = new ArrayList<>();
    for (Row r : query("SELECT * FROM node_job ORDER BY job_id", null)) {
      if (r.step().isActive()) {
        out.add(r);
      }
    }
    return out;
  }

  /** Every job, oldest first. */
  public List<Row> all() {
    return query("SELECT * FROM node_job ORDER BY job_id", null);
  }

  /** Writes a row's step, price, salt, result CID, note, bid index and deal ID. */
  public void update(Row row) {
    try (Connection c = db.connection();
        PreparedStatement s = c.prepareStatement("UPDATE node_job SET step = ?, price = ?, salt = ?, result_cid = ?, "
            + "note = ?, bid_index = ?, deal_id = ?, updated_at = CURRENT_TIMESTAMP WHERE job_id = ?")) {
      s.setString(1, row.step().name());
      if (row.price() == null) {
        s.setNull(2, Types.DECIMAL);
      } else {
        s.setBigDecimal(2, new java.math.BigDecimal(row.price()));
      }
      s.setBytes(3, row.salt());
      s.setString(4, row.resultCid());
      s.setString(5, row.note() == null ? null : row.note().substring(0, Math.min(1024, row.note().length())));
      s.setInt(6, row.bidIndex());
      s.setLong(7, row.dealId());
      s.setLong(8, row.jobId());
      if (s.executeUpdate() != 1) {
        throw new CodException(ErrorCode.STORE_FAILED, "job " + row.jobId() + " is not in the store");
      }
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  private List<Row> query(String sql, Long jobId) {
    try (Connection c = db.connection(); PreparedStatement s = c.prepareStatement(sql)) {
      if (jobId != null) {
        s.setLong(1, jobId);
      }
      List<Row> rows = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          java.math.BigDecimal price = rs.getBigDecimal("price");
          rows.add(new Row(rs.getLong("job_id"), Step.valueOf(rs.getString("step")), rs.getString("spec_cid"),
              rs.getBigDecimal("max_price").toBigIntegerExact(), rs.getBigDecimal("stake").toBigIntegerExact(),
              price == null ? null : price.toBigIntegerExact(), rs.getBytes("salt"), rs.getString("result_cid"),
              rs.getString("note"), rs.getBoolean("auction"), rs.getInt("bid_index"), rs.getString("piece_cid"),
              rs.getLong("deal_id")));
        }
      }
      return rows;
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  private static CodException failed(SQLException e) {
    return new CodException(ErrorCode.STORE_FAILED, "job store: " + e.getMessage(), e);
  }
}
