// The leaderboard page: sort the ranked table by any column (a button in each header, so it
// works from the keyboard and is announced with aria-sort) and filter both tables by model
// name. The tables are complete without this script; it only reorders and hides rows.
"use strict";
(function () {
  const search = document.getElementById("board-search");
  const tables = ["ranked", "provisional"].map((id) => document.getElementById(id)).filter(Boolean);

  // "1 234", "1203.9", "1180 – 1190", "$2.50" → the first number; otherwise null.
  function number(text) {
    const m = text.replace(/[\s,]/g, "").match(/-?\d+(\.\d+)?/);
    return m && /^[\s$€¥%(]*-?\d/.test(text) ? Number(m[0]) : null;
  }

  function sortBy(table, index, th) {
    const body = table.tBodies[0];
    const rows = Array.from(body.rows);
    const ascending = th.getAttribute("aria-sort") !== "ascending";
    const key = (row) => row.cells[index] ? row.cells[index].textContent.trim() : "";
    rows.sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      const [nx, ny] = [number(x), number(y)];
      const order = nx !== null && ny !== null ? nx - ny : x.localeCompare(y);
      return ascending ? order : -order;
    });
    for (const other of table.tHead.rows[0].cells) other.removeAttribute("aria-sort");
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    for (const row of rows) body.appendChild(row);
  }

  for (const table of tables) {
    if (!table.tHead) continue;
    Array.from(table.tHead.rows[0].cells).forEach((th, index) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      button.addEventListener("click", () => sortBy(table, index, th));
      th.textContent = "";
      th.appendChild(button);
    });
  }

  // The 95% interval of each ranked model drawn as a bar under its numbers, on one scale for
  // the whole table (the numbers stay the cell's text; the bar is decoration, hidden from
  // screen readers). Widths are set through the CSSOM, which the page's CSP allows.
  const ranked = document.getElementById("ranked");
  if (ranked) {
    const rows = Array.from(ranked.tBodies[0].rows).map((row) => {
      const ci = row.querySelector("td.ci"), rating = row.querySelector("td.rating");
      const [lo, hi] = ci ? ci.textContent.split("–").map((t) => parseFloat(t.replace(/\s/g, ""))) : [NaN, NaN];
      return { ci, lo, hi, r: rating ? parseFloat(rating.textContent) : NaN };
    }).filter((x) => x.ci && isFinite(x.lo) && isFinite(x.hi) && isFinite(x.r) && x.hi >= x.lo);
    const min = Math.min(...rows.map((x) => x.lo)), max = Math.max(...rows.map((x) => x.hi));
    const pct = (v) => (max > min ? (100 * (v - min)) / (max - min) : 50) + "%";
    for (const x of rows) {
      const bar = document.createElement("span");
      bar.className = "ci-bar";
      bar.setAttribute("aria-hidden", "true");
      const range = document.createElement("span");
      range.className = "ci-range";
      range.style.left = pct(x.lo);
      range.style.width = max > min ? (100 * (x.hi - x.lo)) / (max - min) + "%" : "0";
      const dot = document.createElement("span");
      dot.className = "ci-dot";
      dot.style.left = pct(x.r);
      bar.append(range, dot);
      x.ci.appendChild(bar);
    }
  }

  if (search) {
    search.addEventListener("input", () => {
      const q = search.value.trim().toLowerCase();
      for (const table of tables) {
        for (const row of table.tBodies[0].rows) {
          const model = row.querySelector("td.model") || row.cells[0];
          row.hidden = q !== "" && !model.textContent.toLowerCase().includes(q);
        }
      }
    });
  }
})();
