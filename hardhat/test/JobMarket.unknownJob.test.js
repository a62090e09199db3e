const { ethers, expect, it, load, RESULT, commitmentFor, fastJobFixture } = require("./helpers/jobMarket");

/** Every function taking a job id, called by a registered, staked provider (or the client for cancel). */
const CALLS = {
  bid: (m, id) => m.bid(id, 0, 0, ethers.id("commitment")),
  "bid (auction form)": (m, id) => m.bid(id, 1n, 0, ethers.ZeroHash),
  assign: (m, id) => m.assign(id),
  cancel: (m, id) => m.cancel(id),
  commit: (m, id) => m.commit(id, 0, ethers.id("commitment")),
  reveal: (m, id) => m.reveal(id, 0, RESULT, ethers.ZeroHash),
  finalize: (m, id) => m.finalize(id),
  getJob: (m, id) => m.getJob(id),
  getBids: (m, id) => m.getBids(id),
};

describe("JobMarket: unknown job ids", function () {
  for (const [name, call] of Object.entries(CALLS)) {
    for (const [label, id] of [
      ["0", 0n],
      ["jobCount + 1", 2n],
      ["2^256 − 1", ethers.MaxUint256],
    ]) {
      it(`${name} reverts UnknownJob for id ${label}`, async function () {
        const { market, client, providers } = await load(fastJobFixture);
        expect(await market.jobCount()).to.equal(1n);
        const caller = name === "cancel" ? client : providers[0];
        await expect(call(market.connect(caller), id))
          .to.be.revertedWithCustomError(market, "JobMarketUnknownJob")
          .withArgs(id);
      });
    }
  }

  it("commitmentOf is a pure hash and answers for any id", async function () {
    const { market, providers: [p1] } = await load(fastJobFixture);
    for (const id of [0n, 2n, ethers.MaxUint256]) {
      expect(await market.commitmentOf(id, p1.address, RESULT, ethers.ZeroHash)).to.equal(
        await commitmentFor(market, id, p1, RESULT, ethers.ZeroHash),
      );
    }
  });
});
