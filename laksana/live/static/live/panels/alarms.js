/* Bursts of one category in one kelurahan, and agencies whose overdue count jumped: above the map. */
(() => {
  const seen = new Set();
  const list = () => document.getElementById("alarms");
  LiveWall.panel("alarms", {
    render(data) {
      const labels = LiveWall.labels;
      list().replaceChildren(...data.items.map(a => {
        const text = a.kind === "overdue"
          ? labels.overdue_jump.replace("%(agency)s", a.agency).replace("%(count)s", a.count).replace("%(usual)s", a.usual)
          : labels.burst.replace("%(count)s", a.count).replace("%(category)s", a.category)
              .replace("%(kelurahan)s", a.kelurahan).replace("%(minutes)s", data.window_min);
        const li = LiveWall.el("li", {text});
        if (!seen.has(a.key)) { li.classList.add("new"); seen.add(a.key); }
        return li;
      }));
      if (data.more) list().append(LiveWall.el("li", {className: "more", text: labels.more_alarms.replace("%s", data.more)}));
    },
  });
})();
