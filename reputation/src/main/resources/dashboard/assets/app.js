// The cod reputation dashboard: one page, three views chosen by the URL hash
// (#/ network and leaderboard, #/provider/<address>, #/job/<id>), all read from /api/v1.
"use strict";

const ATTO = 10n ** 18n;
const charts = [];

function fil(atto) {
  if (atto === null || atto === undefined) return "–";
  const v = BigInt(atto), neg = v < 0n, a = neg ? -v : v;
  const frac = (a % ATTO).toString().padStart(18, "0").slice(0, 6).replace(/0+$/, "");
  return (neg ? "-" : "") + (a / ATTO).toString() + (frac ? "." + frac : "");
}
const filNumber = atto => Number(BigInt(atto)) / 1e18;
const pct = r => r === null || r === undefined ? "–" : (r * 100).toFixed(1) + "%";
const dash = v => v === null || v === undefined ? "–" : String(v);
const esc = s => String(s).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
const short = a => a ? a.slice(0, 8) + "…" + a.slice(-4) : "–";
const when = t => t === null || t === undefined ? "–" : new Date(t * 1000).toISOString().replace("T", " ").slice(0, 19);

async function api(path) {
  const r = await fetch("/api/v1" + path);
  const body = await r.json();
  if (!r.ok) throw new Error(body.message || r.statusText);
  return body;
}

function card(id, label, value) {
  return `<div class="card"><div class="value" id="${id}">${esc(value)}</div><div class="label">${esc(label)}</div></div>`;
}

function chart(canvasId, type, labels, datasets, yTitle) {
  const c = new Chart(document.getElementById(canvasId), {
    type, data: {labels, datasets},
    options: {animation: false, maintainAspectRatio: false,
      scales: type === "doughnut" ? {} : {y: {beginAtZero: true, title: {display: !!yTitle, text: yTitle}},
        x: {title: {display: true, text: "block"}}}}
  });
  charts.push(c);
}

// ------------------------------------------------------------------ network view

const COLUMNS = [
  ["rank", "#", false], ["address", "provider", false], ["minerId", "miner", false],
  ["score", "score", true], ["jobsBid", "bid", true], ["jobsWon", "won", true],
  ["finalizedAgreeing", "agreed", true], ["dissenting", "dissent", true], ["silent", "silent", true],
  ["slashes", "slashes", true], ["agreementRate", "agreement", true], ["earnings", "earnings (FIL)", true],
  ["balance", "stake (FIL)", true], ["medianRevealBlocks", "reveal p50 (blocks)", false],
  ["p95RevealSeconds", "reveal p95 (s)", false]
];
let sortKey = "score", sortDesc = true;

async function networkView(view) {
  const [stats, list] = await Promise.all([api("/stats"), api(`/providers?sort=${sortKey}&order=${sortDesc ? "desc" : "asc"}`)]);
  const s = stats.jobsByState;
  view.innerHTML = `
    <h1>Network</h1>
    <div class="cards">
      ${card("stat-jobs", "jobs", stats.jobs)}${card("stat-finalized", "finalized", s.FINALIZED)}
      ${card("stat-failed", "failed", s.FAILED)}${card("stat-providers", "providers", stats.providers)}
      ${card("stat-bids", "bids", stats.bids)}${card("stat-paid", "paid to providers (FIL)", fil(stats.paidToProvidersAttoFil))}
      ${card("stat-slashed", "slashed (FIL)", fil(stats.slashedAttoFil))}${card("stat-events", "events indexed", stats.eventsIndexed)}
      ${card("stat-block", "indexed to block", stats.cursorBlock)}
    </div>
    <h2>Provider leaderboard</h2>
    <table id="leaderboard"><thead><tr>${COLUMNS.map(([k, label, sortable]) =>
      `<th data-key="${k}" class="${k === "address" || k === "minerId" ? "left" : ""} ${sortable ? "sortable" : ""} ${k === sortKey ? (sortDesc ? "sorted-desc" : "sorted-asc") : ""}">${label}</th>`).join("")}</tr></thead>
    <tbody>${list.providers.map((p, i) => `
      <tr data-address="${p.address}">
        <td class="rank">${i + 1}</td>
        <td class="left mono address"><a href="#/provider/${p.address}">${short(p.address)}</a></td>
        <td class="left miner">${dash(p.minerId)}</td>
        <td class="score">${p.score.toFixed(1)}</td><td class="bid">${p.jobsBid}</td><td class="won">${p.jobsWon}</td>
        <td class="agreed">${p.finalizedAgreeing}</td><td class="dissent">${p.dissenting}</td><td class="silent">${p.silent}</td>
        <td class="slashes">${p.slashes}</td><td class="agreement">${pct(p.agreementRate)}</td>
        <td class="earnings">${fil(p.earningsAttoFil)}</td><td class="stake">${fil(p.balanceAttoFil)}</td>
        <td>${dash(p.medianRevealBlocks)}</td><td>${dash(p.p95RevealSeconds)}</td>
      </tr>`).join("")}</tbody></table>
    <div class="charts"><div class="chart"><canvas id="chart-states"></canvas></div></div>`;
  view.querySelectorAll("th.sortable").forEach(th => th.addEventListener("click", () => {
    const k = th.dataset.key;
    if (k === sortKey) sortDesc = !sortDesc; else { sortKey = k; sortDesc = true; }
    render();
  }));
  const states = Object.keys(s).filter(k => s[k] > 0);
  chart("chart-states", "doughnut", states, [{label: "jobs by state", data: states.map(k => s[k])}]);
}

// ------------------------------------------------------------------ provider view

async function providerView(view, id) {
  const d = await api("/providers/" + encodeURIComponent(id));
  const p = d.provider;
  view.innerHTML = `
    <h1>Provider <span class="mono" id="provider-address">${esc(p.address)}</span> ${p.minerId ? "(" + esc(p.minerId) + ")" : ""}</h1>
    <div class="cards">
      ${card("p-score", "score", p.score.toFixed(1))}${card("p-agreement", "agreement rate", pct(p.agreementRate))}
      ${card("p-bid", "jobs bid", p.jobsBid)}${card("p-won", "jobs won", p.jobsWon)}
      ${card("p-agreed", "finalized on the winning side", p.finalizedAgreeing)}${card("p-dissent", "dissenting", p.dissenting)}
      ${card("p-silent", "silent (no commit / no reveal)", p.silent + " (" + p.silentNoCommit + " / " + p.silentNoReveal + ")")}
      ${card("p-slashed", "slashed (FIL), " + p.slashes + " slashes", fil(p.slashedAttoFil))}
      ${card("p-earnings", "earnings (FIL)", fil(p.earningsAttoFil))}${card("p-stake", "stake (FIL), locked " + fil(p.lockedAttoFil), fil(p.balanceAttoFil))}
      ${card("p-latency", "assignment → reveal p50 / p95 (blocks)", dash(p.medianRevealBlocks) + " / " + dash(p.p95RevealBlocks))}
      ${card("p-latency-s", "assignment → reveal p50 / p95 (s)", dash(p.medianRevealSeconds) + " / " + dash(p.p95RevealSeconds))}
      ${card("p-filplus", "FIL+ blessings (pending the FIL+ contract)", p.filPlusBlessings)}
    </div>
    <div class="charts">
      <div class="chart"><canvas id="chart-jobs"></canvas></div>
      <div class="chart"><canvas id="chart-agreement"></canvas></div>
      <div class="chart"><canvas id="chart-earnings"></canvas></div>
    </div>
    <h2>History <small>(newest ${d.history.length} of ${d.historyTotal})</small></h2>
    <table id="history"><thead><tr><th class="left">job</th><th>bid</th><th>assigned (block)</th><th>revealed (block)</th>
      <th>reveal (s)</th><th class="left">outcome</th><th>earned (FIL)</th><th>slashed (FIL)</th></tr></thead>
    <tbody>${d.history.map(h => `<tr><td class="left"><a href="#/job/${h.jobId}">${h.jobId}</a></td><td>#${h.bidIndex}</td>
      <td>${dash(h.assignedBlock)}</td><td>${dash(h.revealBlock)}</td><td>${dash(h.revealSeconds)}</td>
      <td class="left outcome-${h.outcome}">${h.outcome}</td><td>${fil(h.earnedAttoFil)}</td><td>${fil(h.slashedAttoFil)}</td></tr>`).join("")}</tbody></table>`;
  const blocks = d.series.map(x => x.block);
  chart("chart-jobs", "line", blocks, [
    {label: "settled jobs", data: d.series.map(x => x.settled)},
    {label: "agreed", data: d.series.map(x => x.agreed)},
    {label: "faults (dissent, silent)", data: d.series.map(x => x.faults)}], "jobs (cumulative)");
  chart("chart-agreement", "line", blocks, [{label: "agreement rate", data: d.series.map(x => x.agreementRate * 100)}], "%");
  chart("chart-earnings", "line", blocks, [{label: "earnings (FIL)", data: d.series.map(x => filNumber(x.earningsAttoFil))}], "FIL");
}

// ------------------------------------------------------------------ job view

async function jobView(view, id) {
  const j = await api("/jobs/" + encodeURIComponent(id));
  view.innerHTML = `
    <h1>Job <span id="job-id">${j.jobId}</span>: <span id="job-state">${j.state}</span></h1>
    <div class="cards">
      ${card("j-mode", "mode", j.auction ? "auction" : "fast path")}${card("j-quorum", "replicas / quorum", j.replicas + " / " + j.quorum)}
      ${card("j-escrow", "escrow (FIL)", fil(j.escrowAttoFil))}${card("j-stake", "stake per replica (FIL)", fil(j.stakePerReplicaAttoFil))}
      ${card("j-agreeing", "agreeing", j.agreeing)}${card("j-posted", "posted at block", j.postedBlock)}
    </div>
    <p>client <span class="mono">${esc(j.client)}</span> · spec <span class="mono">${esc(dash(j.specCid))}</span>
      · result <span class="mono" id="job-result">${esc(dash(j.resultCid))}</span></p>
    <h2>Bids</h2>
    <table id="bids"><thead><tr><th>#</th><th class="left">provider</th><th>price (FIL)</th><th>assigned</th><th>revealed</th>
      <th class="left">result</th><th class="left">outcome</th><th>earned (FIL)</th><th>slashed (FIL)</th></tr></thead>
    <tbody>${j.bids.map(b => `<tr><td>${b.index}</td><td class="left mono"><a href="#/provider/${b.provider}">${short(b.provider)}</a></td>
      <td>${fil(b.priceAttoFil)}</td><td>${dash(b.assignedBlock)}</td><td>${dash(b.revealBlock)}</td>
      <td class="left mono">${esc(dash(b.resultCid))}</td><td class="left outcome-${b.outcome}">${b.outcome}</td>
      <td>${fil(b.earnedAttoFil)}</td><td>${fil(b.slashedAttoFil)}</td></tr>`).join("")}</tbody></table>
    <h2>Timeline</h2>
    <table id="timeline"><thead><tr><th>block</th><th class="left">time (UTC)</th><th class="left">event</th>
      <th class="left">account</th><th class="left">detail</th><th class="left">transaction</th></tr></thead>
    <tbody>${j.timeline.map(e => `<tr><td>${e.block}</td><td class="left">${when(e.time)}</td><td class="left event">${e.event}</td>
      <td class="left mono">${e.account ? `<a href="#/provider/${e.account}">${short(e.account)}</a>` : ""}</td>
      <td class="left">${esc(e.detail)}</td><td class="left mono">${short(e.txHash)}</td></tr>`).join("")}</tbody></table>`;
}

// ------------------------------------------------------------------ routing

async function render() {
  charts.splice(0).forEach(c => c.destroy());
  const view = document.getElementById("view");
  const parts = location.hash.replace(/^#\/?/, "").split("/");
  try {
    if (parts[0] === "provider" && parts[1]) await providerView(view, parts[1]);
    else if (parts[0] === "job" && parts[1]) await jobView(view, parts[1]);
    else await networkView(view);
    document.body.dataset.ready = location.hash || "#/";
  } catch (e) {
    view.innerHTML = `<p class="error" id="error">${esc(e.message)}</p>`;
    document.body.dataset.ready = "error";
  }
}

window.addEventListener("hashchange", () => { delete document.body.dataset.ready; render(); });
render();
