package dev.cod.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.node.JobStore.Row;
import dev.cod.node.JobStore.Step;
import dev.cod.store.H2Database;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobStoreTest {
  private static final String SPEC = "bafkreiaiiudyukiljdrrjgvymomwnasbccrfdw2oa36bitag5o2tjlzdxy";
  private static final String RESULT = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
  /** uint128 max: the largest amount the market keeps. */
  private static final BigInteger MAX_AMOUNT = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

  @TempDir Path tmp;
  private Path dbPath;
  private H2Database db;
  private JobStore store;

  @BeforeEach
  void open() {
    dbPath = tmp.resolve("node");
    db = H2Database.open(dbPath);
    store = new JobStore(db);
  }

  @AfterEach
  void close() {
    db.close();
  }

  private JobStore restart() {
    db.close();
    db = H2Database.open(dbPath);
    return new JobStore(db);
  }

  @Test
  void aNewJobIsSeenWithNothingElseRecorded() {
    store.insertIfAbsent(7, SPEC, MAX_AMOUNT, BigInteger.valueOf(100));

    Row row = store.find(7).orElseThrow();
    assertThat(row.jobId()).isEqualTo(7);
    assertThat(row.step()).isEqualTo(Step.SEEN);
    assertThat(row.specCid()).isEqualTo(SPEC);
    assertThat(row.maxPrice()).isEqualTo(MAX_AMOUNT);
    assertThat(row.stake()).isEqualTo(BigInteger.valueOf(100));
    assertThat(row.price()).isNull();
    assertThat(row.salt()).isNull();
    assertThat(row.resultCid()).isNull();
    assertThat(row.note()).isNull();
    assertThat(store.find(8)).isEmpty();
  }

  @Test
  void aPieceJobKeepsItsPieceAndTheDealItsBidNamesAcrossARestart() {
    String piece = "baga6ea4seaqao7s73y24kcutaosvacpdjgfe5pw76ooefnyqw4ynr3d2y6x2mpq";
    store.insertIfAbsent(7, SPEC, BigInteger.TEN, BigInteger.ONE, true, piece);
    store.insertIfAbsent(8, SPEC, BigInteger.TEN, BigInteger.ONE, false, null);
    assertThat(store.find(7).orElseThrow().dealId()).isZero();

    store.update(store.find(7).orElseThrow().withDeal(4242).withBid(Step.BID, BigInteger.TWO, 1, "bid"));
    JobStore reopened = restart();

    Row row = reopened.find(7).orElseThrow();
    assertThat(row.pieceCid()).isEqualTo(piece);
    assertThat(row.dealId()).isEqualTo(4242);
    assertThat(row.bidIndex()).isEqualTo(1);
    assertThat(row.auction()).isTrue();
    assertThat(reopened.find(8).orElseThrow().pieceCid()).isNull();
    assertThat(reopened.find(8).orElseThrow().dealId()).isZero();
  }

  @Test
  void insertIfAbsentIsIdempotent() {
    store.insertIfAbsent(7, SPEC, BigInteger.TEN, BigInteger.ONE);
    store.update(store.find(7).orElseThrow().withStep(Step.BID, "bid"));

    store.insertIfAbsent(7, RESULT, BigInteger.valueOf(999), BigInteger.valueOf(555));

    assertThat(store.all()).hasSize(1);
    Row row = store.find(7).orElseThrow();
    assertThat(row.step()).isEqualTo(Step.BID);
    assertThat(row.specCid()).isEqualTo(SPEC);
    assertThat(row.maxPrice()).isEqualTo(BigInteger.TEN);
    assertThat(row.stake()).isEqualTo(BigInteger.ONE);
    assertThat(row.note()).isEqualTo("bid");
  }

  @Test
  void updateWritesEveryFieldAndItSurvivesARestart() {
    store.insertIfAbsent(7, SPEC, BigInteger.TEN, BigInteger.ONE);
    byte[] salt = new byte[32];
    for (int i = 0; i < salt.length; i++) {
      salt[i] = (byte) (i * 7 + 1);
    }
    BigInteger price = new BigInteger("123456789012345678901234567890");

    store.update(new Row(7, Step.EXECUTED, "ignored", BigInteger.ZERO, BigInteger.ZERO, price, salt, RESULT,
        "ran in 3s"));
    JobStore reopened = restart();

    Row row = reopened.find(7).orElseThrow();
    assertThat(row.step()).isEqualTo(Step.EXECUTED);
    assertThat(row.price()).isEqualTo(price);
    assertThat(row.salt()).containsExactly(salt);
    assertThat(row.resultCid()).isEqualTo(RESULT);
    assertThat(row.note()).isEqualTo("ran in 3s");
    // update writes only the mutable fields; what the chain said stays.
    assertThat(row.specCid()).isEqualTo(SPEC);
    assertThat(row.maxPrice()).isEqualTo(BigInteger.TEN);
    assertThat(row.stake()).isEqualTo(BigInteger.ONE);
  }

  @Test
  void updateCanClearNullableFields() {
    store.insertIfAbsent(7, SPEC, BigInteger.TEN, BigInteger.ONE);
    store.update(new Row(7, Step.EXECUTED, SPEC, BigInteger.TEN, BigInteger.ONE, BigInteger.TWO, new byte[32], RESULT, "x"));

    store.update(new Row(7, Step.ABANDONED, SPEC, BigInteger.TEN, BigInteger.ONE, null, null, null, null));

    Row row = restart().find(7).orElseThrow();
    assertThat(row.step()).isEqualTo(Step.ABANDONED);
    assertThat(row.price()).isNull();
    assertThat(row.salt()).isNull();
    assertThat(row.resultCid()).isNull();
    assertThat(row.note()).isNull();
  }

  @Test
  void activeExcludesFinishedJobsAndIsOrderedByJobId() {
    List<Step> steps = Arrays.asList(Step.values());
    // Insert in reverse id order so that insertion order and id order differ.
    for (int i = steps.size() - 1; i >= 0; i--) {
      long id = 10 + i * 3L;
      store.insertIfAbsent(id, SPEC, BigInteger.TEN, BigInteger.ONE);
      store.update(store.find(id).orElseThrow().withStep(steps.get(i), steps.get(i).name()));
    }

    List<Row> active = store.active();

    assertThat(active).extracting(Row::step)
        .containsExactly(Step.SEEN, Step.BID, Step.ASSIGNED, Step.EXECUTED, Step.COMMITTED, Step.REVEALED,
            Step.SETTLED)
        .doesNotContain(Step.SKIPPED, Step.LOST, Step.DONE, Step.ABANDONED);
    assertThat(active).extracting(Row::jobId).isSorted();
    assertThat(store.all()).hasSize(steps.size()).extracting(Row::jobId).isSorted();
  }

  @Test
  void activeOrdersByJobIdNotByInsertion() {
    store.insertIfAbsent(30, SPEC, BigInteger.TEN, BigInteger.ONE);
    store.insertIfAbsent(2, SPEC, BigInteger.TEN, BigInteger.ONE);
    store.insertIfAbsent(11, SPEC, BigInteger.TEN, BigInteger.ONE);
    store.update(store.find(11).orElseThrow().withStep(Step.LOST, "outbid"));

    assertThat(store.active()).extracting(Row::jobId).containsExactly(2L, 30L);
  }

  @Test
  void updateOfAnUnknownJobFails() {
    store.insertIfAbsent(7, SPEC, BigInteger.TEN, BigInteger.ONE);

    assertThatThrownBy(() -> store.update(new Row(8, Step.BID, SPEC, BigInteger.TEN, BigInteger.ONE, BigInteger.ONE,
        null, null, null)))
        .isInstanceOfSatisfying(CodException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_FAILED))
        .hasMessageContaining("job 8");
    assertThat(store.find(8)).isEmpty();
    assertThat(store.find(7).orElseThrow().step()).isEqualTo(Step.SEEN);
  }

  @Test
  void longNotesAreCutNotRejected() {
    store.insertIfAbsent(7, SPEC, BigInteger.TEN, BigInteger.ONE);
    String note = "a".repeat(1000) + "b".repeat(24) + "c".repeat(2000);

    store.update(store.find(7).orElseThrow().withStep(Step.ABANDONED, note));

    Row row = store.find(7).orElseThrow();
    assertThat(row.step()).isEqualTo(Step.ABANDONED);
    assertThat(row.note()).hasSize(1024).isEqualTo(note.substring(0, 1024)).endsWith("b");
  }

  @Test
  void aNoteOfExactly1024CharactersIsKeptWhole() {
    store.insertIfAbsent(7, SPEC, BigInteger.TEN, BigInteger.ONE);
    String note = "x".repeat(1023) + "y";

    store.update(store.find(7).orElseThrow().withStep(Step.SKIPPED, note));

    assertThat(store.find(7).orElseThrow().note()).isEqualTo(note);
  }
}
