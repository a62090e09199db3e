const {
  expect,
  time,
  it,
  load,
  MAX_PRICE,
  DEPOSIT,
  RESULT,
  revealBy,
  postJob,
  fastJobFixture,
  fastFilledFixture,
  auctionCommittedFixture,
} = require("./helpers/jobMarket");

const ESCROW = 3n * MAX_PRICE;

describe("JobMarket: withdraw", function () {
  it("reverts NothingToWithdraw for an account without credit", async function () {
    const { market, outsider, client } = await load(fastJobFixture);
    for (const account of [outsider, client]) {
      await expect(market.connect(account).withdraw())
        .to.be.revertedWithCustomError(market, "JobMarketNothingToWithdraw")
        .withArgs(account.address);
    }
  });

  it("pays exactly the credit, emits Withdrawn, and a second withdraw reverts", async function () {
    const { market, client, jobId } = await load(fastJobFixture);
    await market.connect(client).cancel(jobId);
    expect(await market.credits(client.address)).to.equal(ESCROW);
    const tx = market.connect(client).withdraw();
    await expect(tx).to.changeEtherBalances([client, market], [ESCROW, -ESCROW]);
    await expect(tx).to.emit(market, "Withdrawn").withArgs(client.address, ESCROW);
    expect(await market.credits(client.address)).to.equal(0n);
    await expect(market.connect(client).withdraw())
      .to.be.revertedWithCustomError(market, "JobMarketNothingToWithdraw")
      .withArgs(client.address);
  });

  it("pays the refund of a finalized auction", async function () {
    const { market, client, jobId, winners } = await load(auctionCommittedFixture);
    for (const [p, index] of winners) await revealBy(market, jobId, p, index, RESULT);
    const refund = ESCROW - winners.reduce((sum, [, , price]) => sum + price, 0n);
    await expect(market.connect(client).withdraw()).to.changeEtherBalances([client, market], [refund, -refund]);
  });

  it("adds up credits from several jobs into one withdrawal", async function () {
    const { market, client, jobId, commitDeadline } = await load(fastJobFixture);
    const second = (await postJob(market, client, { replicas: 1, quorum: 1, maxPrice: 7n })).jobId;
    await market.connect(client).cancel(second);
    await time.increaseTo(commitDeadline);
    await market.finalize(jobId); // no bid: fails, escrow credited
    expect(await market.credits(client.address)).to.equal(ESCROW + 7n);
    await expect(market.connect(client).withdraw()).to.changeEtherBalance(client, ESCROW + 7n);
  });

  it("pays each client its own credit only", async function () {
    const { market, client, client2, jobId } = await load(fastJobFixture);
    const other = (await postJob(market, client2, { maxPrice: 5n })).jobId;
    await market.connect(client).cancel(jobId);
    await market.connect(client2).cancel(other);
    await expect(market.connect(client2).withdraw()).to.changeEtherBalances([client2, client], [15n, 0n]);
    expect(await market.credits(client.address)).to.equal(ESCROW);
  });

  it("provider pay is in the provider's balance, not in credits: withdraw reverts, withdrawStake pays", async function () {
    const { market, jobId, winners } = await load(fastFilledFixture);
    for (const [i, p] of winners.entries()) await revealBy(market, jobId, p, i, RESULT);
    const [p1] = winners;
    await expect(market.connect(p1).withdraw())
      .to.be.revertedWithCustomError(market, "JobMarketNothingToWithdraw")
      .withArgs(p1.address);
    await expect(market.connect(p1).withdrawStake(DEPOSIT + MAX_PRICE)).to.changeEtherBalance(p1, DEPOSIT + MAX_PRICE);
  });
});
