/* Laksana's service worker: shows a staff alert pushed by the server (laksana/push). The payload
   is JSON {title, body, url, tag}; it is shown as plain notification text (the Notifications API
   renders no markup), and a tap opens the staff page it names, on this site only. */
"use strict";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

function sameSite(url) {
  try {
    const target = new URL(String(url || "/"), self.location.origin);
    return target.origin === self.location.origin ? target.href : self.location.origin + "/";
  } catch (e) {
    return self.location.origin + "/";
  }
}

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (e) {
    data = { body: event.data ? event.data.text() : "" };
  }
  const title = String(data.title || "Laksana").slice(0, 120);
  const options = {
    body: String(data.body || "").slice(0, 300),
    tag: String(data.tag || ""), // the same delivery shown twice replaces itself
    renotify: Boolean(data.tag),
    data: { url: sameSite(data.url) },
  };
  if (!options.tag) {
    delete options.tag;
    delete options.renotify;
  }
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = sameSite(event.notification.data && event.notification.data.url);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const w of windows) {
        if (w.url === url && "focus" in w) return w.focus();
      }
      return self.clients.openWindow(url);
    })
  );
});
