const { setBalance } = require("@nomicfoundation/hardhat-network-helpers");
const { anyValue } = require("@nomicfoundation/hardhat-chai-matchers/withArgs");
const {
  ethers,
  expect,
  time,
  it,
  register,
  load,
  State,
  UINT96_MAX,
  UINT88_MAX,
  UINT80_MAX,
  NANO,
  MAX_STAKE,
  MAX_PRICE,
  STAKE,
  DEPOSIT,
  BID_WINDOW,
  EXECUTION_WINDOW,
  REVEAL_WINDOW,
  MAX_WINDOW,
  MAX_REPLICAS,
  MAX_BIDS,
  SPEC_CID,
  RESULT,
  auctionBid,
  commitTo,
  revealBy,
  jobTerms,
  postTx,
  postJob,
  deployFixture,
  stakedProvidersFixture,
  eventsIn,
  expectProvider,
} = require("./helpers/jobMarket");

const UINT32_MAX = (1n << 32n) - 1n;

function bytesOf(length) {
  return ethers.hexlify(new Uint8Array(length).fill(0xab));
}

describe("JobMarket: postJob", function () {
  it("exposes its bounds as constants", async function () {
    const { market } = await load(deployFixture);
    expect(await market.MAX_REPLICAS()).to.equal(BigInt(MAX_REPLICAS));
    expect(await market.MAX_BIDS()).to.equal(BigInt(MAX_BIDS));
    expect(await market.MAX_WINDOW()).to.equal(BigInt(MAX_WINDOW));
    expect(await market.MAX_CID_LENGTH()).to.equal(128n);
    expect(await market.NANO_FIL()).to.equal(NANO);
    expect(await market.jobCount()).to.equal(0n);
  });

  describe("validation", function () {
    it("reverts InvalidCid for an empty spec CID", async function () {
      const { market, client } = await load(deployFixture);
      await expect(postTx(market, client, { specCid: "0x" }))
        .to.be.revertedWithCustomError(market, "JobMarketInvalidCid")
        .withArgs(0);
    });

    it("accepts a spec CID of MAX_CID_LENGTH (128) bytes, reverts InvalidCid at 129", async function () {
      const { market, client } = await load(deployFixture);
      await expect(postTx(market, client, { specCid: bytesOf(129) }))
        .to.be.revertedWithCustomError(market, "JobMarketInvalidCid")
        .withArgs(129);
      const terms = [3, 2, MAX_PRICE, STAKE, 0, EXECUTION_WINDOW, REVEAL_WINDOW];
      await expect(postTx(market, client, { specCid: bytesOf(128) }))
        .to.emit(market, "JobPosted")
        .withArgs(1n, client.address, bytesOf(128), "0x", ...terms, anyValue);
    });

    it("accepts a one-byte spec CID", async function () {
      const { market, client } = await load(deployFixture);
      await expect(postTx(market, client, { specCid: "0x01" })).to.emit(market, "JobPosted");
    });

    it("reverts InvalidReplicas for 0 and for MAX_REPLICAS + 1", async function () {
      const { market, client } = await load(deployFixture);
      await expect(postTx(market, client, { replicas: 0, quorum: 0 }))
        .to.be.revertedWithCustomError(market, "JobMarketInvalidReplicas")
        .withArgs(0, MAX_REPLICAS);
      await expect(postTx(market, client, { replicas: 8, quorum: 5 }))
        .to.be.revertedWithCustomError(market, "JobMarketInvalidReplicas")
        .withArgs(8, MAX_REPLICAS);
      await expect(postTx(market, client, { replicas: 255, quorum: 200 }))
        .to.be.revertedWithCustomError(market, "JobMarketInvalidReplicas")
        .withArgs(255, MAX_REPLICAS);
    });

    it("accepts MAX_REPLICAS (7) replicas with quorum 4 and with quorum 7", async function () {
      const { market, client } = await load(deployFixture);
      for (const quorum of [4, 7]) {
        const { jobId } = await postJob(market, client, { replicas: MAX_REPLICAS, quorum });
        const job = await market.getJob(jobId);
        expect([job.replicas, job.quorum]).to.deep.equal([BigInt(MAX_REPLICAS), BigInt(quorum)]);
      }
    });

    for (const [replicas, quorum] of [
      [3, 1], // M <= N/2
      [4, 2], // M = N/2 exactly
      [7, 3],
      [1, 0], // zero quorum
      [3, 0],
      [3, 4], // M > N
      [1, 2],
      [7, 8],
      [2, 255],
    ]) {
      it(`reverts InvalidQuorum for N=${replicas}, M=${quorum}`, async function () {
        const { market, client } = await load(deployFixture);
        await expect(postTx(market, client, { replicas, quorum }))
          .to.be.revertedWithCustomError(market, "JobMarketInvalidQuorum")
          .withArgs(quorum, replicas);
      });
    }

    it("accepts every quorum above half of the replicas, up to all of them", async function () {
      const { market, client } = await load(deployFixture);
      for (const [replicas, quorum] of [[1, 1], [2, 2], [3, 2], [3, 3], [4, 3], [5, 3], [6, 4], [7, 4]]) {
        await expect(postTx(market, client, { replicas, quorum }), `N=${replicas} M=${quorum}`).to.emit(
          market,
          "JobPosted",
        );
      }
    });

    it("reverts InvalidWindow for a bid window above MAX_WINDOW, accepts exactly MAX_WINDOW", async function () {
      const { market, client } = await load(deployFixture);
      await expect(postTx(market, client, { bidWindow: MAX_WINDOW + 1 }))
        .to.be.revertedWithCustomError(market, "JobMarketInvalidWindow")
        .withArgs(MAX_WINDOW + 1);
      await expect(postTx(market, client, { bidWindow: UINT32_MAX }))
        .to.be.revertedWithCustomError(market, "JobMarketInvalidWindow")
        .withArgs(UINT32_MAX);
      const { jobId } = await postJob(market, client, { bidWindow: MAX_WINDOW });
      const postedAt = BigInt(await time.latest());
      const job = await market.getJob(jobId);
      expect(job.auction).to.equal(true);
      expect(job.deadline).to.equal(postedAt + BigInt(MAX_WINDOW));
    });

    for (const [name, key] of [
      ["execution", "executionWindow"],
      ["reveal", "revealWindow"],
    ]) {
      it(`reverts InvalidWindow for a zero or too long ${name} window, accepts exactly MAX_WINDOW`, async function () {
        const { market, client } = await load(deployFixture);
        for (const bad of [0, MAX_WINDOW + 1, Number(UINT32_MAX)]) {
          await expect(postTx(market, client, { [key]: bad }))
            .to.be.revertedWithCustomError(market, "JobMarketInvalidWindow")
            .withArgs(bad);
        }
        const { jobId } = await postJob(market, client, { [key]: MAX_WINDOW });
        expect((await market.getJob(jobId))[key]).to.equal(BigInt(MAX_WINDOW));
      });
    }

    it("accepts one-second windows", async function () {
      const { market, client } = await load(deployFixture);
      const { jobId } = await postJob(market, client, { bidWindow: 1, executionWindow: 1, revealWindow: 1 });
      const job = await market.getJob(jobId);
      expect([job.executionWindow, job.revealWindow]).to.deep.equal([1n, 1n]);
    });

    it("reverts WrongEscrow unless exactly replicas × maxPrice is sent", async function () {
      const { market, client } = await load(deployFixture);
      const escrow = 3n * MAX_PRICE;
      for (const sent of [0n, escrow - 1n, escrow + 1n, MAX_PRICE]) {
        await expect(postTx(market, client, { value: sent }))
          .to.be.revertedWithCustomError(market, "JobMarketWrongEscrow")
          .withArgs(escrow, sent);
      }
      await expect(postTx(market, client, { value: escrow })).to.changeEtherBalances(
        [client, market],
        [-escrow, escrow],
      );
    });

    it("reverts WrongEscrow for FIL sent with a zero maxPrice", async function () {
      const { market, client } = await load(deployFixture);
      await expect(postTx(market, client, { maxPrice: 0n, value: 1n }))
        .to.be.revertedWithCustomError(market, "JobMarketWrongEscrow")
        .withArgs(0n, 1n);
    });

    it("accepts a zero maxPrice and a zero stake with nothing sent", async function () {
      const { market, client } = await load(deployFixture);
      const { jobId } = await postJob(market, client, { maxPrice: 0n, stake: 0n, value: 0n });
      const job = await market.getJob(jobId);
      expect([job.maxPrice, job.stake]).to.deep.equal([0n, 0n]);
    });

    it("reverts AmountTooLarge(maxPrice, uint80 max) for a maxPrice above uint80 (the terms slot keeps 80 bits), on both paths", async function () {
      const { market, client } = await load(deployFixture);
      await setBalance(client.address, UINT96_MAX * 8n);
      for (const bidWindow of [0, BID_WINDOW]) {
        for (const maxPrice of [UINT80_MAX + 1n, 1n << 88n, UINT96_MAX]) {
          await expect(postTx(market, client, { replicas: 1, quorum: 1, maxPrice, bidWindow }))
            .to.be.revertedWithCustomError(market, "JobMarketAmountTooLarge")
            .withArgs(maxPrice, UINT80_MAX);
        }
        // checked before the escrow: the bound is named even when the value sent is wrong
        await expect(postTx(market, client, { maxPrice: UINT80_MAX + 1n, value: 0n, bidWindow }))
          .to.be.revertedWithCustomError(market, "JobMarketAmountTooLarge")
          .withArgs(UINT80_MAX + 1n, UINT80_MAX);
      }
      expect(await market.jobCount()).to.equal(0n);
    });

    it("accepts maxPrice = uint80 max with replicas 1 when that value is sent", async function () {
      const { market, client } = await load(deployFixture);
      await setBalance(client.address, UINT80_MAX * 3n);
      await expect(postTx(market, client, { replicas: 1, quorum: 1, maxPrice: UINT80_MAX })).to.changeEtherBalances(
        [client, market],
        [-UINT80_MAX, UINT80_MAX],
      );
      expect((await market.getJob(1n)).maxPrice).to.equal(UINT80_MAX);
      await expect(postTx(market, client, { replicas: 1, quorum: 1, maxPrice: UINT80_MAX, value: UINT80_MAX - 1n }))
        .to.be.revertedWithCustomError(market, "JobMarketWrongEscrow")
        .withArgs(UINT80_MAX, UINT80_MAX - 1n);
    });

    it("computes the escrow in 256 bits: MAX_REPLICAS × uint80 max is accepted when sent", async function () {
      const { market, client } = await load(deployFixture);
      const escrow = UINT80_MAX * BigInt(MAX_REPLICAS); // above uint80: must not wrap
      expect(escrow > UINT80_MAX).to.equal(true);
      await setBalance(client.address, escrow * 2n);
      await expect(
        postTx(market, client, { replicas: MAX_REPLICAS, quorum: 4, maxPrice: UINT80_MAX, value: escrow & UINT80_MAX }),
      )
        .to.be.revertedWithCustomError(market, "JobMarketWrongEscrow")
        .withArgs(escrow, escrow & UINT80_MAX);
      const post = postTx(market, client, { replicas: MAX_REPLICAS, quorum: 4, maxPrice: UINT80_MAX });
      await expect(post).to.changeEtherBalance(market, escrow);
      const job = await market.getJob(1n);
      expect(job.maxPrice * job.replicas).to.equal(escrow);
    });

    it("pays a maxPrice of uint80 max into a provider's empty balance, which withdraws it", async function () {
      const { market, client, outsider } = await load(deployFixture);
      await setBalance(client.address, UINT80_MAX * 3n);
      await register(market, outsider, 1);
      const { jobId } = await postJob(market, client, { replicas: 1, quorum: 1, maxPrice: UINT80_MAX, stake: 0n });
      expect((await market.getBids(jobId)).length).to.equal(0);
      await market.connect(outsider).bid(jobId, 0, 0, ethers.ZeroHash);
      expect((await market.getBids(jobId))[0].price).to.equal(UINT80_MAX);
      await expect(market.connect(outsider).reveal(jobId, 0, RESULT, ethers.ZeroHash))
        .to.emit(market, "ResultAccepted")
        .withArgs(jobId, ethers.keccak256(RESULT), 1, 0);
      expect((await market.providers(outsider.address)).balance).to.equal(UINT80_MAX);
      await expect(market.connect(outsider).withdrawStake(UINT80_MAX)).to.changeEtherBalance(outsider, UINT80_MAX);
    });

    it("an auction with maxPrice uint80 max takes a bid of exactly that (PriceTooHigh one attoFIL above) and pays it", async function () {
      const { market, client, providers: [p1] } = await load(stakedProvidersFixture);
      await setBalance(client.address, UINT80_MAX * 3n);
      const { jobId } = await postJob(market, client, {
        replicas: 1,
        quorum: 1,
        maxPrice: UINT80_MAX,
        bidWindow: BID_WINDOW,
      });
      for (const price of [UINT80_MAX + 1n, UINT96_MAX]) {
        await expect(auctionBid(market, jobId, p1, price))
          .to.be.revertedWithCustomError(market, "JobMarketPriceTooHigh")
          .withArgs(price, UINT80_MAX);
      }
      await auctionBid(market, jobId, p1, UINT80_MAX);
      expect((await market.getBids(jobId))[0].price).to.equal(UINT80_MAX);
      await time.increaseTo((await market.getJob(jobId)).deadline);
      await market.assign(jobId);
      await commitTo(market, jobId, p1, 0, RESULT);
      const tx = revealBy(market, jobId, p1, 0, RESULT);
      await expect(tx).to.emit(market, "ResultAccepted").withArgs(jobId, ethers.keccak256(RESULT), 1, 0);
      await expect(tx).not.to.emit(market, "Credited");
      expect((await market.providers(p1.address)).balance).to.equal(DEPOSIT + UINT80_MAX);
    });

    it("reverts NotWholeNanoFil(stake) for a stake per replica that is not a whole number of nanoFIL, on both paths", async function () {
      const { market, client } = await load(deployFixture);
      for (const bidWindow of [0, BID_WINDOW]) {
        for (const stake of [1n, NANO - 1n, NANO + 1n, STAKE - 1n, STAKE + 1n, STAKE + NANO / 2n, UINT88_MAX]) {
          await expect(postTx(market, client, { stake, bidWindow }))
            .to.be.revertedWithCustomError(market, "JobMarketNotWholeNanoFil")
            .withArgs(stake);
        }
      }
      expect(await market.jobCount()).to.equal(0n);
    });

    it("accepts a stake of exactly whole nanoFIL (1 nanoFIL, STAKE, 0) and keeps it to the attoFIL", async function () {
      const { market, client } = await load(deployFixture);
      for (const bidWindow of [0, BID_WINDOW]) {
        for (const stake of [NANO, STAKE, 0n, 7n * NANO]) {
          const { jobId, tx } = await postJob(market, client, { stake, bidWindow });
          const terms = [3, 2, MAX_PRICE, stake, bidWindow, EXECUTION_WINDOW, REVEAL_WINDOW];
          await expect(tx)
            .to.emit(market, "JobPosted")
            .withArgs(jobId, client.address, SPEC_CID, "0x", ...terms, anyValue);
          expect((await market.getJob(jobId)).stake).to.equal(stake);
        }
      }
    });

    it("reverts AmountTooLarge one nanoFIL above MAX_STAKE_PER_REPLICA (2^56 − 1 nanoFIL: the job slot keeps 56 bits), on both paths", async function () {
      const { market, client } = await load(deployFixture);
      expect(await market.MAX_STAKE_PER_REPLICA()).to.equal(MAX_STAKE);
      expect(MAX_STAKE).to.equal(((1n << 56n) - 1n) * NANO);
      for (const bidWindow of [0, BID_WINDOW]) {
        for (const stake of [MAX_STAKE + NANO, (1n << 56n) * NANO, UINT88_MAX - (UINT88_MAX % NANO)]) {
          await expect(postTx(market, client, { stake, bidWindow }))
            .to.be.revertedWithCustomError(market, "JobMarketAmountTooLarge")
            .withArgs(stake, MAX_STAKE);
        }
      }
      expect(await market.jobCount()).to.equal(0n);
    });

    it("accepts the largest stake per replica (MAX_STAKE_PER_REPLICA), which a bid locks and a cancel unlocks to the attoFIL", async function () {
      const { market, client, providers: [p1] } = await load(deployFixture);
      expect(MAX_STAKE % NANO).to.equal(0n);
      const { jobId } = await postJob(market, client, {
        replicas: 1,
        quorum: 1,
        stake: MAX_STAKE,
        bidWindow: BID_WINDOW,
      });
      expect((await market.getJob(jobId)).stake).to.equal(MAX_STAKE);
      await register(market, p1, 1);
      await setBalance(p1.address, MAX_STAKE + ethers.parseEther("10"));
      await market.connect(p1).stake({ value: MAX_STAKE - 1n });
      await expect(auctionBid(market, jobId, p1, 1n))
        .to.be.revertedWithCustomError(market, "JobMarketInsufficientFreeStake")
        .withArgs(p1.address, MAX_STAKE, MAX_STAKE - 1n);
      await market.connect(p1).stake({ value: 1n });
      await auctionBid(market, jobId, p1, 1n);
      await expectProvider(market, p1, { balance: MAX_STAKE, locked: MAX_STAKE });
      await expect(market.connect(client).cancel(jobId))
        .to.emit(market, "StakeUnlocked")
        .withArgs(jobId, p1.address, MAX_STAKE);
      await expectProvider(market, p1, { balance: MAX_STAKE, locked: 0n });
    });
  });

  describe("a posted job", function () {
    it("fast path: emits JobPosted and JobStateChanged(None → Open); deadline = post time + executionWindow", async function () {
      const { market, client } = await load(deployFixture);
      const postedAt = BigInt(await time.latest()) + 100n;
      await time.setNextBlockTimestamp(postedAt);
      const { jobId, tx } = await postJob(market, client);
      const deadline = postedAt + BigInt(EXECUTION_WINDOW);
      expect(jobId).to.equal(1n);
      await expect(tx)
        .to.emit(market, "JobPosted")
        .withArgs(1n, client.address, SPEC_CID, "0x", 3, 2, MAX_PRICE, STAKE, 0, EXECUTION_WINDOW, REVEAL_WINDOW, deadline);
      expect(await eventsIn(market, tx, "JobStateChanged")).to.deep.equal([[1n, State.None, State.Open]]);
      const job = await market.getJob(jobId);
      expect(job.toObject()).to.deep.equal({
        client: client.address,
        state: State.Open,
        auction: false,
        replicas: 3n,
        quorum: 2n,
        bidCount: 0n,
        commitCount: 0n,
        revealCount: 0n,
        deadline,
        assignedMask: 0n,
        revealedMask: 0n,
        executionWindow: BigInt(EXECUTION_WINDOW),
        revealWindow: BigInt(REVEAL_WINDOW),
        maxPrice: MAX_PRICE,
        stake: STAKE,
      });
      expect(await market.getBids(jobId)).to.deep.equal([]);
    });

    it("auction: deadline = post time + bidWindow, and the auction flag is set", async function () {
      const { market, client } = await load(deployFixture);
      const postedAt = BigInt(await time.latest()) + 100n;
      await time.setNextBlockTimestamp(postedAt);
      const { jobId, tx } = await postJob(market, client, { bidWindow: BID_WINDOW, replicas: 5, quorum: 3 });
      const deadline = postedAt + BigInt(BID_WINDOW);
      const terms = [5, 3, MAX_PRICE, STAKE, BID_WINDOW, EXECUTION_WINDOW, REVEAL_WINDOW];
      await expect(tx)
        .to.emit(market, "JobPosted")
        .withArgs(jobId, client.address, SPEC_CID, "0x", ...terms, deadline);
      const job = await market.getJob(jobId);
      expect([job.state, job.auction, job.deadline, job.replicas, job.quorum]).to.deep.equal([
        State.Open,
        true,
        deadline,
        5n,
        3n,
      ]);
    });

    it("numbers jobs from 1 across clients, each with its own terms", async function () {
      const { market, client, client2 } = await load(deployFixture);
      await postJob(market, client);
      await postJob(market, client2, { replicas: 1, quorum: 1, maxPrice: 7n, stake: 3n * NANO, bidWindow: 5 });
      expect(await market.jobCount()).to.equal(2n);
      const [a, b] = [await market.getJob(1n), await market.getJob(2n)];
      expect([a.client, a.replicas, a.maxPrice, a.auction]).to.deep.equal([client.address, 3n, MAX_PRICE, false]);
      expect([b.client, b.replicas, b.maxPrice, b.stake, b.auction]).to.deep.equal([
        client2.address,
        1n,
        7n,
        3n * NANO,
        true,
      ]);
    });

    it("returns the new id from postJob", async function () {
      const { market, client } = await load(deployFixture);
      const o = jobTerms();
      const args = [o.specCid, o.inputPieceCid, o.replicas, o.quorum, o.maxPrice, o.stake, 0, o.executionWindow, o.revealWindow];
      const id = await market.connect(client).postJob.staticCall(...args, { value: 3n * MAX_PRICE });
      expect(id).to.equal(1n);
    });

    it("a job at every bound (7 replicas, 128-byte CID, 30-day windows) runs to the end", async function () {
      const { market, client, providers } = await load(stakedProvidersFixture);
      const { jobId } = await postJob(market, client, {
        specCid: bytesOf(128),
        replicas: MAX_REPLICAS,
        quorum: MAX_REPLICAS,
        executionWindow: MAX_WINDOW,
        revealWindow: MAX_WINDOW,
      });
      const cid = bytesOf(128);
      const winners = providers.slice(0, MAX_REPLICAS);
      for (const p of winners) {
        const c = await market.commitmentOf(jobId, p.address, cid, ethers.id(p.address));
        await market.connect(p).bid(jobId, 0, 0, c);
      }
      const job = await market.getJob(jobId);
      expect(job.assignedMask).to.equal(0x7fn);
      expect(job.state).to.equal(State.Revealing);
      let tx;
      for (const [i, p] of winners.entries()) tx = await market.connect(p).reveal(jobId, i, cid, ethers.id(p.address));
      await expect(tx)
        .to.emit(market, "ResultAccepted")
        .withArgs(jobId, ethers.keccak256(cid), MAX_REPLICAS, 0);
    });
  });
});
