/* The "Nyalakan notifikasi" button on the agency desk and the field officer's home (laksana/push):
   registers the service worker, asks the browser's permission, subscribes with the server's VAPID
   public key and sends the subscription to the server. Texts come from the page's data-
   attributes and are set as text, never as markup. */
"use strict";

(function () {
  const box = document.getElementById("push-alerts");
  if (!box) return;
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    return; // stays hidden: this browser cannot receive Web Push
  }
  const button = document.getElementById("push-enable");
  const status = document.getElementById("push-status");
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
  let subscribed = null;

  function say(text) {
    status.textContent = text || "";
  }

  function keyBytes(base64url) {
    const padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    const raw = atob(padded);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
      body: JSON.stringify(body),
    }).then((response) => {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    });
  }

  function show(subscription) {
    subscribed = subscription;
    button.textContent = subscription ? box.dataset.offLabel : box.dataset.onLabel;
    button.setAttribute("aria-pressed", subscription ? "true" : "false");
    say(subscription ? box.dataset.on : Notification.permission === "denied" ? box.dataset.denied : "");
  }

  const ready = navigator.serviceWorker
    .register(box.dataset.worker, { scope: "/" })
    .then(() => navigator.serviceWorker.ready);

  ready
    .then((registration) => registration.pushManager.getSubscription())
    .then((subscription) => {
      box.hidden = false;
      show(subscription);
    })
    .catch(() => {
      box.hidden = false;
      say(box.dataset.failed);
    });

  function turnOn() {
    return Notification.requestPermission().then((permission) => {
      if (permission !== "granted") {
        show(null);
        say(box.dataset.denied);
        return null;
      }
      return ready
        .then((registration) =>
          registration.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: keyBytes(box.dataset.key),
          })
        )
        .then((subscription) => post(box.dataset.subscribe, subscription.toJSON()).then(() => show(subscription)));
    });
  }

  function turnOff() {
    const subscription = subscribed;
    return post(box.dataset.unsubscribe, { endpoint: subscription.endpoint })
      .then(() => subscription.unsubscribe())
      .then(() => show(null));
  }

  button.addEventListener("click", () => {
    button.disabled = true;
    (subscribed ? turnOff() : turnOn())
      .catch(() => say(box.dataset.failed))
      .finally(() => {
        button.disabled = false;
      });
  });
})();
