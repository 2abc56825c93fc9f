/* The newest complaints, newest first; only whole rows are shown. */
(() => {
  const MAX = 30;
  const list = () => document.getElementById("incoming");
  const el = LiveWall.el;

  function row(card) {
    const li = el("li", {dataset: {number: card.number, ts: card.submitted_ts}},
      el("span", {className: "num"}), el("span", {className: "badge"}), el("span", {className: "cat"}),
      el("span", {className: "where"}), el("span", {className: "chan"}), el("time", {className: "age"}),
      el("span", {className: "similar"}));
    fill(li, card);
    similar(li, card.similar || 0);
    return li;
  }
  /* One incident, several reports: later ones are counted on the first report's row. */
  function similar(li, n) {
    li.dataset.similar = n;
    const badge = li.querySelector(".similar");
    badge.hidden = !n;
    badge.textContent = n ? LiveWall.labels.similar.replace("%s", n) : "";
  }
  function fold(items) {
    const shown = new Set(items.map(card => card.number));
    return items.filter(card => !(card.similar_to && shown.has(card.similar_to)));
  }
  function fill(li, card) {
    const labels = LiveWall.labels;
    li.dataset.status = card.status;
    li.querySelector(".num").textContent = card.number;
    const badge = li.querySelector(".badge");
    badge.className = "badge";
    badge.classList.add(`s-${card.status}`);
    badge.textContent = labels.status[card.status] || card.status;
    // An emergency category (region data) is flagged the moment it arrives.
    li.classList.toggle("emergency", Boolean(card.emergency));
    li.querySelector(".cat").textContent =
      card.emergency ? `${labels.emergency} · ${card.category}` : card.category;
    li.querySelector(".where").textContent = card.kelurahan || card.kecamatan || "–";
    li.querySelector(".chan").textContent = labels.channel[card.channel] || card.channel;
    li.querySelector(".age").textContent = LiveWall.age(card.submitted_ts);
  }
  /* Rows that would be cut at the panel's bottom edge are hidden, not half drawn. */
  function clip() {
    const box = list();
    for (const li of box.children) li.hidden = false;
    const bottom = box.getBoundingClientRect().bottom;
    let cut = false;
    for (const li of box.children) {
      cut = cut || li.getBoundingClientRect().bottom > bottom + 0.5;
      li.hidden = cut;
    }
  }
  new ResizeObserver(clip).observe(document.getElementById("incoming"));

  LiveWall.panel("incoming", {
    render(data) { list().replaceChildren(...fold(data.items).map(row)); clip(); },
    onEvent(item) {
      const card = item.complaint;
      const rows = [...list().children];
      const known = rows.find(li => li.dataset.number === card.number);
      if (known) { fill(known, card); return; }
      if (item.type !== "submitted") return;
      const first = card.similar_to && rows.find(li => li.dataset.number === card.similar_to);
      if (first) {
        similar(first, +first.dataset.similar + 1);
        first.classList.remove("new");
        void first.offsetWidth;  // restart the arrival highlight
        first.classList.add("new");
        clip();
        return;
      }
      const li = row(card);
      li.classList.add("new");
      list().prepend(li);
      while (list().children.length > MAX) list().lastElementChild.remove();
      clip();
    },
    tick() {
      for (const li of list().children) li.querySelector(".age").textContent = LiveWall.age(+li.dataset.ts);
    },
  });
})();
