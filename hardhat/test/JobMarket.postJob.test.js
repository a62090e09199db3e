const {
  ethers,
  expect,
  loadFixture,
  time,
  State,
  MAX_PRICE,
  STAKE,
  BID_WINDOW,
  EXECUTION_WINDOW,
  REVEAL_WINDOW,
  SPEC_CID,
  postJob,
  deployFixture,
} = require("./helpers/jobMarket");

const MAX_WINDOW = 30 * 24 * 3600;

describe("JobMarket: postJob", function () {
  it("exposes its bounds as constants", async function () {
    const { market } = await loadFixture(deployFixture);
    expect(await market.MAX_REPLICAS()).to.equal(7n);
    expect(await market.MAX_BIDS()).to.equal(16n);
    expect(await market.MAX_WINDOW()).to.equal(BigInt(MAX_WINDOW));
    expect(await market.MAX_CID_LENGTH()).to.equal(128n);
  });

  describe("validation", function () {
    it("reverts InvalidCid for an empty spec CID", async function () {
      const { market, client } = await loadFixture(deployFixture);
      await expect(postJob(market, client, { specCid: "0x" }))
        .to.be.revertedWithCustomError(market, "JobMarketInvalidCid")
        .withArgs(0);
    });

    it("reverts InvalidCid for a spec CID longer than MAX_CID_LENGTH, accepts exactly MAX_CID_LENGTH", async function () {
      const { market, client } = await loadFixture(deployFixture);
      await expect(postJob(market, client, { specCid: ethers.hexlify(new Uint8Array(129).fill(1)) }))
        .to.be.revertedWithCustomError(market, "JobMarketInvalidCid")
        .withArgs(129);
      await expect(postJob(market, client, { specCid: ethers.hexlify(new Uint8Array(128).fill(1)) })).not.to.be
        .reverted;
    });

    it("reverts InvalidReplicas for 0 and for MAX_REPLICAS + 1", async function () {
      const { market, client } = await loadFixture(deployFixture);
      await expect(postJob(market, client, { replicas: 0, quorum: 0 }))
        .to.be.revertedWithCustomError(market, "JobMarketInvalidReplicas")
        .withArgs(0, 7);
      await expect(postJob(market, client, { replicas: 8, quorum: 5 }))
        .to.be.revertedWithCustomError(market, "JobMarketInvalidReplicas")
        .withArgs(8, 7);
    });

    it("accepts MAX_REPLICAS replicas", async function () {
      const { market, client } = await loadFixture(deployFixture);
      await expect(postJob(market, client, { replicas: 7, quorum: 4 })).not.to.be.reverted;
    });

    for (const [replicas, quorum] of [
      [3, 1], // M <= N/2
      [4, 2], // M = N/2 exactly
      [1, 0], // zero quorum
      [3, 0],
      [3, 4], // M > N
      [1, 2],
    ]) {
      it(`reverts InvalidQuorum for N=${replicas}, M=${quorum}`, async function () {
        const { market, client } = await loadFixture(deployFixture);
        await expect(postJob(market, client, { replicas, quorum }))
          .to.be.revertedWithCustomError(market, "JobMarketInvalidQuorum")
          .withArgs(quorum, replicas);
      });
    }

    for (const [replicas, quorum] of [
      [1, 1],
      [3, 2],
      [3, 3],
      [4, 3],
      [7, 4],
    ]) {
      it(`accepts N=${replicas}, M=${quorum}`, async function () {
        const { market, client } = await loadFixture(deployFixture);
        await expect(postJob(market, client, { replicas, quorum })).not.to.be.reverted;
      });
    }

    for (const [name, window] of [
      ["bidWindow", MAX_WINDOW + 1],
      ["executionWindow", 0],
      ["executionWindow", MAX_WINDOW + 1],
      ["revealWindow", 0],
      ["revealWindow", MAX_WINDOW + 1],
    ]) {
      it(`reverts InvalidWindow for ${name} = ${window}`, async function () {
        const { market, client } = await loadFixture(deployFixture);
        await expect(postJob(market, client, { [name]: window }))
          .to.be.revertedWithCustomError(market, "JobMarketInvalidWindow")
          .withArgs(window);
      });
    }

    it("accepts MAX_WINDOW for every window", async function () {
      const { market, client } = await loadFixture(deployFixture);
      await expect(
        postJob(market, client, { bidWindow: MAX_WINDOW, executionWindow: MAX_WINDOW, revealWindow: MAX_WINDOW }),
      ).not.to.be.reverted;
    });

    it("reverts WrongEscrow for too little and too much", async function () {
      const { market, client } = await loadFixture(deployFixture);
      const escrow = 3n * MAX_PRICE;
      await expect(postJob(market, client, { value: escrow - 1n }))
        .to.be.revertedWithCustomError(market, "JobMarketWrongEscrow")
        .withArgs(escrow, escrow - 1n);
      await expect(postJob(market, client, { value: escrow + 1n }))
        .to.be.revertedWithCustomError(market, "JobMarketWrongEscrow")
        .withArgs(escrow, escrow + 1n);
      await expect(postJob(market, client, { value: 0n }))
        .to.be.revertedWithCustomError(market, "JobMarketWrongEscrow")
        .withArgs(escrow, 0n);
    });
  });

  describe("a valid job", function () {
    it("takes the escrow and emits JobPosted and JobStateChanged(None → Open)", async function () {
      const { market, client } = await loadFixture(deployFixture);
      const escrow = 3n * MAX_PRICE;
      const tx = market
        .connect(client)
        .postJob(SPEC_CID, 3, 2, MAX_PRICE, STAKE, 0, EXECUTION_WINDOW, REVEAL_WINDOW, { value: escrow });
      await expect(tx).to.changeEtherBalances([client, market], [-escrow, escrow]);
      await expect(tx)
        .to.emit(market, "JobPosted")
        .withArgs(1n, client.address, SPEC_CID, 3, 2, MAX_PRICE, STAKE, 0, EXECUTION_WINDOW, REVEAL_WINDOW);
      await expect(tx).to.emit(market, "JobStateChanged").withArgs(1n, State.None, State.Open);
      expect(await market.jobCount()).to.equal(1n);
    });

    it("stores every field (fast path: no bid deadline)", async function () {
      const { market, client } = await loadFixture(deployFixture);
      const { jobId } = await postJob(market, client);
      const job = await market.getJob(jobId);
      expect(job.client).to.equal(client.address);
      expect(job.state).to.equal(State.Open);
      expect(job.replicas).to.equal(3n);
      expect(job.quorum).to.equal(2n);
      expect(job.bidCount).to.equal(0n);
      expect(job.commitCount).to.equal(0n);
      expect(job.revealCount).to.equal(0n);
      expect(job.executionWindow).to.equal(BigInt(EXECUTION_WINDOW));
      expect(job.revealWindow).to.equal(BigInt(REVEAL_WINDOW));
      expect(job.maxPrice).to.equal(MAX_PRICE);
      expect(job.stake).to.equal(STAKE);
      expect(job.bidDeadline).to.equal(0n);
      expect(job.commitDeadline).to.equal(0n);
      expect(job.revealDeadline).to.equal(0n);
      expect(job.acceptedResultHash).to.equal(ethers.ZeroHash);
      expect(job.specCid).to.equal(SPEC_CID);
      expect(await market.getBids(jobId)).to.deep.equal([]);
    });

    it("sets the bid deadline of an auction job to the posting time plus the bid window", async function () {
      const { market, client } = await loadFixture(deployFixture);
      const { jobId, tx } = await postJob(market, client, { bidWindow: BID_WINDOW });
      const postedAt = BigInt(await time.latest());
      const deadline = postedAt + BigInt(BID_WINDOW);
      await expect(tx)
        .to.emit(market, "JobPosted")
        .withArgs(jobId, client.address, SPEC_CID, 3, 2, MAX_PRICE, STAKE, deadline, EXECUTION_WINDOW, REVEAL_WINDOW);
      expect((await market.getJob(jobId)).bidDeadline).to.equal(deadline);
    });

    it("numbers jobs from 1", async function () {
      const { market, client } = await loadFixture(deployFixture);
      expect((await postJob(market, client)).jobId).to.equal(1n);
      expect((await postJob(market, client, { replicas: 1, quorum: 1 })).jobId).to.equal(2n);
      expect((await market.getJob(2n)).replicas).to.equal(1n);
    });
  });
});
