const { ethers, expect, loadFixture, RESULT, postedFastJobFixture } = require("./helpers/jobMarket");

/** Every function taking a job id, called by a registered, staked provider (or the client). */
const CALLS = {
  bid: (m, id) => m.bid(id, 1n, 0),
  assign: (m, id) => m.assign(id),
  cancel: (m, id) => m.cancel(id),
  commit: (m, id) => m.commit(id, ethers.id("commitment")),
  reveal: (m, id) => m.reveal(id, RESULT, ethers.ZeroHash),
  finalize: (m, id) => m.finalize(id),
  getJob: (m, id) => m.getJob(id),
  getBids: (m, id) => m.getBids(id),
};

describe("JobMarket: unknown job ids", function () {
  for (const [name, call] of Object.entries(CALLS)) {
    for (const [label, id] of [
      ["0", 0n],
      ["never posted (jobCount + 1)", 2n],
      ["never posted (2^256 − 1)", ethers.MaxUint256],
    ]) {
      it(`${name} reverts UnknownJob for id ${label}`, async function () {
        const { market, client, providers } = await loadFixture(postedFastJobFixture);
        expect(await market.jobCount()).to.equal(1n);
        const caller = name === "cancel" ? client : providers[0];
        await expect(call(market.connect(caller), id))
          .to.be.revertedWithCustomError(market, "JobMarketUnknownJob")
          .withArgs(id);
      });
    }
  }
});
