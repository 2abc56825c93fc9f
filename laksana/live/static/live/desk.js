/* An agency desk: the liaison's live queue, a beep for each new disposition, acknowledge. */
(() => {
  const config = JSON.parse(document.getElementById("desk-config").textContent);
  const labels = config.labels;
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  const body = document.getElementById("desk-queue");
  const rows = new Map();  // number -> card
  let audio = null, mayAcknowledge = false;

  function beep() {  // two short tones; no sound file needed
    if (!audio) return;
    const t = audio.currentTime;
    for (const [offset, freq] of [[0, 880], [0.22, 1175]]) {
      const osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t + offset);
      gain.gain.exponentialRampToValueAtTime(0.4, t + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + offset + 0.2);
      osc.connect(gain).connect(audio.destination);
      osc.start(t + offset);
      osc.stop(t + offset + 0.21);
    }
  }
  document.getElementById("desk-sound").addEventListener("click", event => {
    audio = audio || new AudioContext();
    audio.resume();
    event.target.setAttribute("aria-pressed", "true");
    beep();
  });

  function waited(card) {
    const seconds = Date.now() / 1000 - (card.disposed_ts || card.submitted_ts);
    if (seconds < 3600) return `${Math.max(0, Math.floor(seconds / 60))} ${labels.minutes}`;
    if (seconds < 2 * 86400) return `${(seconds / 3600).toFixed(1)} ${labels.hours}`;
    return `${Math.round(seconds / 86400)} ${labels.days}`;
  }
  function inQueue(card) {
    return card.agency_code === config.agency && (card.status === "dispatched" || (card.status === "in_progress" && !card.acknowledged));
  }
  function td(text, cls) { const cell = document.createElement("td"); cell.textContent = text; if (cls) cell.className = cls; return cell; }
  function draw() {
    const cards = [...rows.values()].sort((a, b) => (a.acknowledged - b.acknowledged) || ((a.disposed_ts || 0) - (b.disposed_ts || 0)));
    body.replaceChildren(...cards.map(card => {
      const tr = document.createElement("tr");
      tr.dataset.number = card.number;
      const late = !card.acknowledged && Date.now() / 1000 - card.disposed_ts > config.target_min * 60;
      tr.className = `${card.acknowledged ? "" : "unacknowledged"}${late ? " late" : ""}${card.fresh ? " new" : ""}`;
      const what = card.title && card.title !== card.category ? `${card.title} · ${card.category}` : card.category;
      tr.append(td(card.number, "number"), td(what), td(card.kelurahan || card.kecamatan || "–"),
                td(labels.status[card.status] || card.status), td(waited(card), "waited"));
      const action = document.createElement("td");
      if (!card.acknowledged && mayAcknowledge) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = labels.acknowledge;
        button.addEventListener("click", () => acknowledge(card.number, button));
        action.append(button);
      }
      tr.append(action);
      card.fresh = false;
      return tr;
    }));
    document.getElementById("desk-empty").hidden = rows.size > 0;
  }
  async function acknowledge(number, button) {
    button.disabled = true;
    const response = await fetch(`${config.acknowledge}${encodeURIComponent(number)}/acknowledge`, {
      method: "POST", credentials: "same-origin", headers: {"X-CSRFToken": csrf},
    });
    const data = await response.json();
    const error = document.getElementById("desk-error");
    error.hidden = response.ok;
    if (!response.ok) { error.textContent = data.detail; button.disabled = false; return; }
    update(data, false);
  }
  function update(card, fresh) {
    if (!inQueue(card)) { rows.delete(card.number); } else { rows.set(card.number, {...card, fresh}); }
    draw();
  }
  function state(text, ok) {
    const el = document.getElementById("desk-state");
    el.textContent = text;
    el.classList.toggle("down", !ok);
  }

  async function start() {
    const response = await fetch(config.data, {credentials: "same-origin"});
    if (!response.ok) { state(labels.reconnecting, false); setTimeout(start, 5000); return; }
    const data = await response.json();
    mayAcknowledge = data.may_acknowledge;
    rows.clear();
    for (const card of data.queue) rows.set(card.number, card);
    draw();
    const source = new EventSource(`${config.stream}?after=${data.cursor}`);
    source.onopen = () => state(labels.live, true);
    source.onerror = () => state(labels.reconnecting, false);
    source.addEventListener("reset", () => { source.close(); start(); });
    source.onmessage = message => {
      const item = JSON.parse(message.data);
      const fresh = (item.type === "disposed" || item.type === "forwarded") && item.complaint.agency_code === config.agency;
      update(item.complaint, fresh);
      if (fresh) beep();
    };
  }
  setInterval(draw, 30000);
  start();
})();
