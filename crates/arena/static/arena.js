// The battle page: one EventSource per battle feeds both panes. Each update carries the whole
// answer so far as HTML from the server's one Markdown renderer (versus-present, which lets no
// markup of the model's text through); the page inserts that and nothing else as markup, so
// what is shown while streaming is what is shown at the end. Prompts are set as text.
// UI messages come from the page's data-msg-* attributes (the catalogue of its language).
"use strict";
const $ = (s) => document.querySelector(s);
const root = $("#arena");
const msg = (k) => root.dataset["msg" + k.charAt(0).toUpperCase() + k.slice(1)] || "";
let battle = root.dataset.battle ? { id: root.dataset.battle } : null;
let source = null;
let bundled = root.dataset.promptId ? { id: Number(root.dataset.promptId), text: $("#prompt").value } : null;

function notice(text) { $("#notice").textContent = text || ""; }
function show(sel, on) { $(sel).hidden = !on; }
async function call(method, url, body) {
  const r = await fetch(url, { method, headers: { "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined });
  let j = {};
  try { j = await r.json(); } catch (e) { j = { error: "unexpected answer from the server" }; }
  return [r, j];
}

// A copy button on each code block (the renderer wraps each in <pre class="code">).
async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) { await navigator.clipboard.writeText(text); return; }
  const t = document.createElement("textarea");
  t.value = text; t.setAttribute("readonly", ""); t.className = "offscreen";
  document.body.append(t); t.select();
  try { document.execCommand("copy"); } finally { t.remove(); }
}
function decorate(box) {
  for (const pre of box.querySelectorAll("pre.code")) {
    if (pre.parentElement.classList.contains("codeblock")) continue;
    const wrap = document.createElement("div");
    wrap.className = "codeblock";
    pre.replaceWith(wrap);
    const b = document.createElement("button");
    b.type = "button"; b.className = "copy"; b.textContent = msg("copy");
    b.addEventListener("click", async () => {
      await copyText(pre.textContent);
      b.textContent = msg("copied");
      setTimeout(() => { b.textContent = msg("copy"); }, 1500);
    });
    wrap.append(b, pre);
  }
}

function answerBox(side, turn, prompt) {
  const box = $("#turns-" + side);
  let div = box.querySelector('[data-turn="' + turn + '"]');
  if (!div) {
    div = document.createElement("div");
    div.className = "turn";
    div.dataset.turn = String(turn);
    const p = document.createElement("p");
    p.className = "user";
    const a = document.createElement("div");
    a.className = "answer md";
    div.append(p, a);
    box.append(div);
  }
  if (prompt !== undefined) div.querySelector(".user").textContent = prompt;
  return div.querySelector(".answer");
}

// The server's rendering of the answer so far (see the comment at the top).
function setAnswer(box, html) {
  box.innerHTML = html;
  decorate(box);
}

function listen() {
  if (source) source.close();
  source = new EventSource("/api/battles/" + battle.id + "/stream");
  source.addEventListener("reset", () => { $("#turns-a").textContent = ""; $("#turns-b").textContent = ""; });
  source.addEventListener("turn", (e) => { const d = JSON.parse(e.data); answerBox("a", d.turn, d.prompt); answerBox("b", d.turn, d.prompt); });
  source.addEventListener("delta", (e) => { const d = JSON.parse(e.data); setAnswer(answerBox(d.side, d.turn), d.html); });
  source.addEventListener("complete", (e) => { source.close(); const d = JSON.parse(e.data); ready(d.followups, d.stopped); });
  source.addEventListener("voted", () => { source.close(); show("#stop", false); refresh(); });
  // A model failed: the catalogue's words, never the server's error text.
  source.addEventListener("failed", () => { source.close(); show("#stop", false); notice(msg("failed")); show("#after", true); });
  stopBar();
}

// The stop buttons, while the answers stream, for the person who started the battle.
function stopBar() {
  const mine = !!(battle && battle.vote_token);
  show("#stop", mine);
  for (const b of document.querySelectorAll("#stop button")) b.disabled = false;
}

async function stop(side) {
  const [r, j] = await call("POST", "/api/battles/" + battle.id + "/stop", { vote_token: battle.vote_token, side });
  if (!r.ok) { if (r.status !== 409) notice(j.error); return; }
  const s = j.stopped || [false, false];
  $('#stop [data-side="a"]').disabled = !!s[0];
  $('#stop [data-side="b"]').disabled = !!s[1];
  $('#stop [data-side="both"]').disabled = !!(s[0] && s[1]);
}

function ready(followups, stopped) {
  show("#stop", false);
  show("#vote", !!(battle && battle.vote_token));
  show("#followup", !!followups && !!(battle && battle.vote_token));
  const wasStopped = Array.isArray(stopped) && stopped.some(Boolean);
  notice(battle && battle.vote_token ? msg(wasStopped ? "stopped" : "complete") : msg("waiting"));
}

// The revealed models' public facts, from /api/models.
async function facts(names) {
  const [r, j] = await call("GET", "/api/models");
  const list = r.ok && Array.isArray(j.models) ? j.models : [];
  names.forEach((name, i) => {
    const side = i === 0 ? "a" : "b";
    const m = list.find((x) => x.name === name) || {};
    const dl = $("#facts-" + side);
    for (const dd of dl.querySelectorAll("dd")) {
      const v = m[dd.dataset.fact];
      dd.textContent = v === true ? msg("yes") : v === false ? msg("no") : (v == null || v === "" ? msg("unknown") : String(v));
    }
    dl.hidden = false;
  });
}

function reveal(v) {
  $("#name-a").textContent = v.model_a;
  $("#name-b").textContent = v.model_b;
  show("#vote", false); show("#followup", false); show("#after", true);
  notice(battle && battle.mode === "named" ? msg("thanksNamed") : v.anonymous === false ? msg("thanksUnranked") : msg("thanks"));
  facts([v.model_a, v.model_b]);
  $("#new").focus({ preventScroll: true });
}

async function refresh() {
  const [r, j] = await call("GET", "/api/battles/" + battle.id);
  if (!r.ok) { notice(j.error); return; }
  battle = j;
  show("#ask", false);
  if (j.vote) { reveal(j.vote); }
  else if (j.error) { notice(msg("failed")); show("#after", true); }
  else listen();
}

async function start() {
  show("#vote", false); show("#after", false); show("#followup", false);
  $("#name-a").textContent = ""; $("#name-b").textContent = "";
  $("#facts-a").hidden = true; $("#facts-b").hidden = true;
  const text = $("#prompt").value.trim();
  const body = {};
  if (bundled && text === bundled.text.trim()) body.prompt_id = bundled.id;
  else if (text) body.prompt = text;
  // Side by side: the two chosen models, whose names show from the start.
  if ($("#pick-a")) body.models = [$("#pick-a").value, $("#pick-b").value];
  notice(msg("starting"));
  const [r, j] = await call("POST", "/api/battles", body);
  if (!r.ok) { notice(j.error || msg("couldNotStart")); return; }
  battle = j;
  if (j.models) { $("#name-a").textContent = j.models.a; $("#name-b").textContent = j.models.b; }
  history.replaceState(null, "", "/battle/" + j.id);
  show("#ask", false);
  notice(msg("answering"));
  listen();
}

async function vote(winner) {
  show("#vote", false);
  const [r, j] = await call("POST", "/api/battles/" + battle.id + "/vote", { winner, vote_token: battle.vote_token });
  if (!r.ok) { notice(j.error || msg("voteFailed")); show("#vote", r.status !== 409); return; }
  reveal(j);
}

async function followUp() {
  const text = $("#followup-text").value.trim();
  if (!text) return;
  const [r, j] = await call("POST", "/api/battles/" + battle.id + "/turns", { prompt: text, vote_token: battle.vote_token });
  if (!r.ok) { notice(j.error); return; }
  $("#followup-text").value = "";
  show("#vote", false); show("#followup", false);
  notice(msg("answering"));
  listen();
}

async function another() {
  const [r, j] = await call("GET", "/api/prompt");
  if (!r.ok) { notice(j.error); return; }
  bundled = { id: j.prompt_id, text: j.prompt };
  $("#prompt").value = j.prompt;
}

$("#start").addEventListener("click", start);
$("#another").addEventListener("click", another);
$("#send").addEventListener("click", followUp);
$("#new").addEventListener("click", () => { window.location.assign("/"); });
for (const b of document.querySelectorAll("#vote button")) b.addEventListener("click", () => vote(b.dataset.winner));
for (const b of document.querySelectorAll("#stop button")) b.addEventListener("click", () => stop(b.dataset.side));
// Keys shown on the buttons: A, B, T, X to vote, N for a new battle (not while typing).
document.addEventListener("keydown", (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
  const t = e.target;
  if (t && (t.tagName === "TEXTAREA" || t.tagName === "INPUT" || t.isContentEditable)) return;
  const key = e.key.toLowerCase();
  for (const bar of ["#stop", "#vote", "#after"]) {
    if ($(bar).hidden) continue;
    const b = $(bar).querySelector('[data-key="' + key + '"]');
    if (b) { e.preventDefault(); b.click(); return; }
  }
});
for (const box of document.querySelectorAll(".answer")) decorate(box);
if (!root.dataset.promptId) show("#another", false);
if (battle) refresh();
