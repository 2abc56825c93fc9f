/* Every figure on the wall, as drawn (test_wall_agrees.py evaluates this in the page): the
   numbers, every "open" total, the board's rows, the map's cells, the incoming rows and the boxes
   of the map, the alarms and the list. */
() => {
  const int = text => text.trim() === "–" ? null : Number(text.replace(/[^0-9-]/g, ""));
  const box = el => { const r = el.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
  // Shown whole: inside the window and inside every ancestor that clips.
  const whole = el => {
    const r = el.getBoundingClientRect();
    if (!r.width || r.left < -0.5 || r.top < -0.5 || r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5) return false;
    for (let a = el.parentElement; a; a = a.parentElement) {
      const s = getComputedStyle(a), c = a.getBoundingClientRect();
      if (s.overflowX !== "visible" && (r.left < c.left - 0.5 || r.right > c.right + 0.5)) return false;
      if (s.overflowY !== "visible" && (r.top < c.top - 0.5 || r.bottom > c.bottom + 0.5)) return false;
    }
    return true;
  };
  const numbers = {};
  for (const dd of document.querySelectorAll(".numbers dd:not([data-total])")) numbers[dd.dataset.n] = int(dd.textContent);
  // The visible bottom of the list: the nearest of its own box, clipping ancestors and the window.
  const list = document.getElementById("incoming");
  let visible = Math.min(list.getBoundingClientRect().bottom, window.innerHeight);
  for (let el = list; el; el = el.parentElement) {
    if (getComputedStyle(el).overflowY !== "visible") visible = Math.min(visible, el.getBoundingClientRect().bottom);
  }
  return {
    open: [...document.querySelectorAll('[data-total="open"]')].map(n => int(n.textContent)),
    numbers,
    board: Object.fromEntries([...document.querySelectorAll("#board tr")].map(tr =>
      [tr.querySelector(".name").textContent, int(tr.querySelector(".open").textContent)])),
    boardPage: document.getElementById("board-page").textContent,
    clusters: [...document.querySelectorAll("#wall-map .cluster")].map(c => int(c.textContent)),
    cursor: document.getElementById("wall").dataset.cursor,
    map: box(document.getElementById("wall-map")),
    alarms: [...document.querySelectorAll("#alarms li")].map(box),
    rows: [...list.children].filter(li => !li.hidden).map(li => ({number: li.dataset.number, ...box(li)})),
    listBottom: visible,
    cut: [...document.querySelectorAll(".numbers div, .map-total, #wall-clock, #board tr, #alarms li")]
      .filter(el => !whole(el)).map(el => el.textContent.trim()),
  };
}
