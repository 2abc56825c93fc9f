/* The newest complaints, newest first; only whole rows are shown. */
(() => {
  const MAX = 30;
  const list = () => document.getElementById("incoming");
  const el = LiveWall.el;

  function row(card) {
    const li = el("li", {dataset: {number: card.number, ts: card.submitted_ts}},
      el("span", {className: "num"}), el("span", {className: "badge"}), el("span", {className: "cat"}),
      el("span", {className: "where"}), el("span", {className: "chan"}), el("time", {className: "age"}));
    fill(li, card);
    return li;
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
    render(data) { list().replaceChildren(...data.items.map(row)); clip(); },
    onEvent(item) {
      const card = item.complaint;
      const known = [...list().children].find(li => li.dataset.number === card.number);
      if (known) { fill(known, card); return; }
      if (item.type !== "submitted") return;
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
