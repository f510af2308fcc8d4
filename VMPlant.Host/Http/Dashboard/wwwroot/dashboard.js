// VMPlant dashboard: renders the node's state, pushed as server-sent events by /api/stream. Read-only.
"use strict";

const $ = (id) => document.getElementById(id);
const esc = (value) => String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
const seconds = (s) => s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`;
const time = (iso) => new Date(iso).toLocaleTimeString();
const badge = (text) => `<span class="badge ${esc(text)}">${esc(text)}</span>`;

function bar(label, used, total, unit) {
  const fraction = total > 0 ? used / total : 0;
  const level = fraction >= 0.95 ? "full" : fraction >= 0.75 ? "high" : "";
  return `<div class="bar"><div class="label"><span>${label}</span><span>${used} / ${total} ${unit} used</span></div>
    <div class="track"><div class="fill ${level}" style="width:${(fraction * 100).toFixed(1)}%"></div></div></div>`;
}

function renderPlants(plants) {
  $("plants").innerHTML = plants.length === 0 ? `<div class="empty">no plant has registered with the shop yet</div>` : plants.map((p) => `
    <div class="card plant" data-plant="${esc(p.plant)}">
      <h3>${esc(p.plant)} ${badge(p.hypervisorUp ? "up" : "down")}</h3>
      <div class="uri">${esc(p.hypervisorUri)} · ${p.vms} VMs · ${p.images.length} images</div>
      ${bar("vCPU", p.total.vcpus - p.free.vcpus, p.total.vcpus, "")}
      ${bar("memory", p.total.memoryMiB - p.free.memoryMiB, p.total.memoryMiB, "MiB")}
      ${bar("disk", p.total.diskGiB - p.free.diskGiB, p.total.diskGiB, "GiB")}
    </div>`).join("");
  const rows = plants.flatMap((p) => p.images.map((i) => ({ plant: p.plant, ...i })));
  $("images").querySelector("tbody").innerHTML = rows.length === 0 ? `<tr><td colspan="6" class="empty">no cached image</td></tr>` : rows.map((i) => `
    <tr><td>${esc(i.plant)}</td><td class="mono">${esc(i.imageId)}</td>
      <td>${i.actions.map((a) => `<span class="chip">${esc(a.id)}</span>`).join("")}</td>
      <td class="num">${i.hits}</td><td class="num">${seconds(i.buildCost)}</td><td class="num">${seconds(i.hits * i.buildCost)}</td></tr>`).join("");
}

function renderVms(vms) {
  $("vm-count").textContent = `(${vms.length})`;
  $("vms").querySelector("tbody").innerHTML = vms.length === 0 ? `<tr><td colspan="6" class="empty">no VM yet</td></tr>` : vms.map((v) => `
    <tr class="vm" data-vm="${esc(v.vmId)}"><td class="mono">${esc(v.vmId)}</td><td>${esc(v.plant)}</td><td>${badge(v.state)}</td>
      <td class="mono">${esc(v.imageId)}</td>
      <td>${v.actions.map((a) => `<span class="chip">${esc(a.id)} <span class="kind">${esc(a.kind)}</span></span>`).join("")}</td>
      <td>${time(v.createdAt)}</td></tr>`).join("");
}

function renderAuctions(auctions) {
  $("auctions").innerHTML = auctions.length === 0 ? `<div class="empty">no auction in this node's view of the shop journal yet</div>` : auctions.map((a) => `
    <div class="auction" data-request="${esc(a.requestId)}">
      <div class="head"><b>${esc(a.name)}</b> <span class="mono">${esc(a.vmId)}</span> ${badge(a.status)} <span class="muted">${time(a.at)} · request ${esc(a.requestId)}</span></div>
      <div class="why">${a.winner ? `won by <b>${esc(a.winner)}</b>: ${esc(a.why ?? "")}` : a.failure ? `failed: ${esc(a.failure)}` : "bidding…"}</div>
      ${a.bids.length + a.declines.length === 0 ? "" : `<table><thead><tr><th>plant</th><th class="num">cost</th><th>image</th><th class="num">reused</th><th class="num">missing</th><th>free</th></tr></thead><tbody>
        ${a.bids.map((b) => `<tr class="${b.plant === a.winner ? "winner" : ""}"><td>${esc(b.plant)}</td><td class="num">${b.cost.toFixed(2)} s</td>
          <td class="mono">${esc(b.imageId)}</td><td class="num">${b.reusedActions}</td><td class="num">${b.missingActions}</td>
          <td>${b.free.vcpus} vCPU / ${b.free.memoryMiB} MiB / ${b.free.diskGiB} GiB</td></tr>`).join("")}
        ${a.declines.map((d) => `<tr><td>${esc(d.plant)}</td><td colspan="5" class="muted">declined: ${esc(d.reason)}</td></tr>`).join("")}
      </tbody></table>`}
    </div>`).join("");
}

function renderCluster(state) {
  $("node").textContent = state.node;
  $("singleton").textContent = state.cluster.shopSingleton ?? "none";
  $("members").querySelector("tbody").innerHTML = state.cluster.members.map((m) => `
    <tr><td class="mono">${esc(m.address)}</td><td>${badge(m.status)}</td><td>${m.roles.map(esc).join(", ")}</td>
      <td>${m.address === state.cluster.shopSingleton ? "shop singleton" : ""}${m.isSelf ? " (this node)" : ""}</td></tr>`).join("");
}

function render(state) {
  renderCluster(state);
  renderPlants(state.plants);
  renderVms(state.vms);
  renderAuctions(state.auctions);
  $("problems").innerHTML = state.problems.map((p) => `<div>${esc(p)}</div>`).join("");
  $("updated").textContent = new Date().toLocaleTimeString();
}

function connect() {
  const stream = new EventSource("/api/stream");
  stream.addEventListener("state", (e) => render(JSON.parse(e.data)));
  stream.onopen = () => { $("connection").className = "badge ok"; $("connection").textContent = "live"; };
  // EventSource reconnects by itself; show it meanwhile.
  stream.onerror = () => { $("connection").className = "badge off"; $("connection").textContent = "reconnecting"; };
}

connect();
