// The battle page: one EventSource per battle feeds both panes. Model output is inserted with
// textContent only (never as markup), so answers render as text whatever they contain.
"use strict";
const $ = (s) => document.querySelector(s);
const root = $("#arena");
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

// Markdown, rendered safely once an answer is complete: the text is split into blocks and
// inline spans and every piece becomes a DOM node whose content is set with textContent. No
// markup from the model is ever parsed, so nothing in it can run or style the page.
function el(tag, text) { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; return e; }
function inline(parent, text) {
  const parts = text.split(/(\*\*[^*\n]+\*\*|__[^_\n]+__|`[^`\n]+`)/);
  for (const p of parts) {
    if (!p) continue;
    if ((p.startsWith("**") && p.endsWith("**") || p.startsWith("__") && p.endsWith("__")) && p.length > 4) parent.append(el("strong", p.slice(2, -2)));
    else if (p.startsWith("`") && p.endsWith("`") && p.length > 2) parent.append(el("code", p.slice(1, -1)));
    else parent.append(document.createTextNode(p));
  }
}
function renderMarkdown(box) {
  const text = box.textContent;
  const out = document.createDocumentFragment();
  const lines = text.split("\n");
  let list = null, para = null;
  const close = () => { list = null; para = null; };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trimStart().startsWith("```")) {
      const code = [];
      for (i++; i < lines.length && !lines[i].trimStart().startsWith("```"); i++) code.push(lines[i]);
      const pre = el("pre"); pre.append(el("code", code.join("\n"))); out.append(pre); close();
      continue;
    }
    let m;
    if ((m = /^(#{1,6})\s+(.*)$/.exec(line))) { const h = el("h" + Math.min(6, m[1].length + 2)); inline(h, m[2]); out.append(h); close(); continue; }
    if ((m = /^\s*(\d+\.|[-*+])\s+(.*)$/.exec(line))) {
      const ordered = /\d/.test(m[1]);
      if (!list || (list.tagName === "OL") !== ordered) { list = el(ordered ? "ol" : "ul"); out.append(list); para = null; }
      if (ordered) list.start = list.children.length ? list.start : parseInt(m[1], 10);
      const li = el("li"); inline(li, m[2]); list.append(li);
      continue;
    }
    if (!line.trim()) { close(); continue; }
    if (!para) { para = el("p"); out.append(para); list = null; } else para.append(el("br"));
    inline(para, line);
  }
  box.textContent = "";
  box.append(out);
  box.classList.add("md");
}
function renderAll() { for (const b of document.querySelectorAll(".answer:not(.md)")) renderMarkdown(b); }

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
    a.className = "answer";
    div.append(p, a);
    box.append(div);
  }
  if (prompt !== undefined) div.querySelector(".user").textContent = prompt;
  return div.querySelector(".answer");
}

function listen() {
  if (source) source.close();
  source = new EventSource("/api/battles/" + battle.id + "/stream");
  source.addEventListener("reset", () => { $("#turns-a").textContent = ""; $("#turns-b").textContent = ""; });
  source.addEventListener("turn", (e) => { const d = JSON.parse(e.data); answerBox("a", d.turn, d.prompt); answerBox("b", d.turn, d.prompt); });
  source.addEventListener("delta", (e) => { const d = JSON.parse(e.data); answerBox(d.side, d.turn).textContent += d.text; });
  source.addEventListener("complete", (e) => { source.close(); renderAll(); ready(JSON.parse(e.data).followups); });
  source.addEventListener("voted", () => { source.close(); renderAll(); refresh(); });
  source.addEventListener("failed", (e) => { source.close(); notice(JSON.parse(e.data).message); show("#after", true); });
}

function ready(followups) {
  show("#vote", !!(battle && battle.vote_token));
  show("#followup", !!followups && !!(battle && battle.vote_token));
  notice(battle && battle.vote_token ? "Both answers are complete. Which one is better?" : "This battle is waiting for its vote.");
}

function reveal(v) {
  $("#name-a").textContent = v.model_a;
  $("#name-b").textContent = v.model_b;
  show("#vote", false); show("#followup", false); show("#after", true);
  notice(v.anonymous === false
    ? "Thanks! An answer revealed a model's identity, so this vote is kept but not ranked."
    : "Thanks for voting! The names are revealed above.");
}

async function refresh() {
  const [r, j] = await call("GET", "/api/battles/" + battle.id);
  if (!r.ok) { notice(j.error); return; }
  battle = j;
  show("#ask", false);
  if (j.vote) { renderAll(); reveal(j.vote); }
  else if (j.error) { notice(j.error); show("#after", true); }
  else listen();
}

async function start() {
  show("#vote", false); show("#after", false); show("#followup", false);
  $("#name-a").textContent = ""; $("#name-b").textContent = "";
  const text = $("#prompt").value.trim();
  const body = {};
  if (bundled && text === bundled.text.trim()) body.prompt_id = bundled.id;
  else if (text) body.prompt = text;
  notice("Starting a battle…");
  const [r, j] = await call("POST", "/api/battles", body);
  if (!r.ok) { notice(j.error || "Could not start a battle."); return; }
  battle = j;
  history.replaceState(null, "", "/battle/" + j.id);
  show("#ask", false);
  notice("The two models are answering…");
  listen();
}

async function vote(winner) {
  show("#vote", false);
  const [r, j] = await call("POST", "/api/battles/" + battle.id + "/vote", { winner, vote_token: battle.vote_token });
  if (!r.ok) { notice(j.error || "The vote was not recorded."); show("#vote", r.status !== 409); return; }
  reveal(j);
}

async function followUp() {
  const text = $("#followup-text").value.trim();
  if (!text) return;
  const [r, j] = await call("POST", "/api/battles/" + battle.id + "/turns", { prompt: text, vote_token: battle.vote_token });
  if (!r.ok) { notice(j.error); return; }
  $("#followup-text").value = "";
  show("#vote", false); show("#followup", false);
  notice("The two models are answering…");
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
if (!root.dataset.promptId) show("#another", false);
if (battle) refresh();
