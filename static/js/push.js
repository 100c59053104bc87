/* Update notices: the opt-in on the Updates page. It explains first what a notice looks like (in the
 * page), asks the browser for permission only when the person presses the button, and turns off as
 * easily as on. Messages come from the section's data-i18n-* attributes, translated by the server.
 */
(function () {
  "use strict";

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;

  function keyBytes(base64url) {
    var base64 = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function api(method, body) {
    return fetch("/api/push/subscriptions", {
      method: method,
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
    }).then(function (response) {
      if (!response.ok) throw new Error("push API answered " + response.status);
      return response;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var section = document.querySelector(".js-push");
    if (!section) return;
    var on = section.querySelector(".js-push-on");
    var off = section.querySelector(".js-push-off");
    // Its own role="status" region, so an offline-saving message elsewhere cannot talk over it.
    var state = section.querySelector(".js-push-state");
    var lang = document.documentElement.lang;

    function say(name) {
      state.textContent = section.getAttribute("data-i18n-" + name) || "";
    }

    function show(subscribed) {
      on.hidden = subscribed;
      off.hidden = !subscribed;
    }

    navigator.serviceWorker.ready.then(function (registration) {
      return registration.pushManager.getSubscription().then(function (subscription) {
        section.hidden = false;
        show(Boolean(subscription));
        if (Notification.permission === "denied") say("blocked");

        on.addEventListener("click", function () {
          Notification.requestPermission().then(function (permission) {
            if (permission !== "granted") {
              say("blocked");
              return null;
            }
            return fetch("/api/push/key", { credentials: "omit" })
              .then(function (response) { return response.json(); })
              .then(function (key) {
                return registration.pushManager.subscribe({
                  userVisibleOnly: true, applicationServerKey: keyBytes(key.publicKey),
                });
              })
              .then(function (created) {
                return api("POST", { subscription: created.toJSON(), lang: lang }).catch(function (refused) {
                  // The server kept nothing, so the browser's subscription is undone: the page never says
                  // notices are on when none would come.
                  var fail = function () { throw refused; };
                  return created.unsubscribe().then(fail, fail);
                });
              })
              .then(function () {
                show(true);
                say("on");
              });
          }).catch(function () {
            show(false);
            say("failed");
          });
        });

        off.addEventListener("click", function () {
          registration.pushManager.getSubscription().then(function (current) {
            if (!current) return null;
            return api("DELETE", { endpoint: current.endpoint }).then(function () { return current.unsubscribe(); });
          }).then(function () {
            show(false);
            say("off");
          }).catch(function () { say("failed"); });
        });
      });
    });
  });
})();
