/* Per agency (and the command center itself): open and overdue now, acknowledgments and medians. */
(() => {
  const PAGE = 8;
  let rows = [], page = 0;
  const pct = v => v == null ? "–" : `${v}%`;
  const mins = v => v == null ? "–" : LiveWall.duration(v * 60);
  const cell = (text, className) => LiveWall.el("td", {text, className: className || null});
  // Open and overdue are figures of now: a replayed day shows them as unknown.
  const now = v => LiveWall.replaying ? "–" : v.toLocaleString();
  function draw() {
    const pages = Math.max(1, Math.ceil(rows.length / PAGE));
    page %= pages;
    document.getElementById("board-page").textContent = pages > 1 ? `${page + 1}/${pages}` : "";
    document.getElementById("board").replaceChildren(...rows.slice(page * PAGE, page * PAGE + PAGE).map(r => {
      const tr = LiveWall.el("tr", {dataset: {code: r.code}},
        cell(r.name, "name"), cell(now(r.open), "open"), cell(now(r.overdue), r.overdue && !LiveWall.replaying ? "bad" : ""));
      for (const p of [r.today, r.week]) {
        tr.append(cell(pct(p.ack_on_time_pct), p.ack_on_time_pct != null && p.ack_on_time_pct < 80 ? "bad" : ""),
                  cell(mins(p.median_ack_min)), cell(mins(p.median_resolve_min)));
      }
      return tr;
    }));
  }
  setInterval(() => { page += 1; draw(); }, 12000);
  LiveWall.panel("board", {
    render(data) {
      rows = data.agencies;
      document.getElementById("board-note").textContent = LiveWall.labels.board_note.replace("%s", data.target_min);
      draw();
    },
  });
})();
