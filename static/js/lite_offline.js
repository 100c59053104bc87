/* The lite view's offline saving, sent inside each lite page. Nothing is downloaded until the person presses
 * "Save for offline use" (the lite view is for metered connections); once saved, lite addresses open with no
 * signal, answered by the worker with the saved pages. Also: the update offer, and notices opening in place.
 */
(function () {
  "use strict";

  var box = document.querySelector(".js-offline");
  if (!box || !("serviceWorker" in navigator) || !("caches" in window)) return;
  var workers = navigator.serviceWorker;
  var lang = document.documentElement.lang;
  var state = box.querySelector(".js-offline-state");
  var button = box.querySelector(".js-save-offline");
  var update = box.querySelector(".js-update");
  var hadController = Boolean(workers.controller);

  function say(name, aloud) {
    var message = box.getAttribute("data-i18n-" + name) || "";
    state.textContent = message;
    if (aloud) box.querySelector(".js-offline-status").textContent = message;
  }

  function tell(message) {
    workers.ready.then(function (registration) { registration.active.postMessage(message); });
  }

  function failed() {
    button.hidden = false;
    say("save-failed", true);
  }

  workers.addEventListener("message", function (event) {
    var data = event.data || {};
    if (data.type === "open") {
      // A tapped update notice: open the page in place, with no new history entry.
      var url = new URL(data.path, location.href);
      if (url.origin === location.origin) location.replace(url.href);
    } else if (data.type === "status") {
      if (data.saved.indexOf(lang) !== -1) say("ready");
      button.hidden = data.saved.indexOf(lang) !== -1 || (data.saving || []).indexOf(lang) !== -1;
    } else if (data.lang === lang && data.type === "saved") {
      button.hidden = true;
      say("ready", true);
    } else if (data.lang === lang && data.type === "save-failed") {
      failed();
    }
  });

  button.addEventListener("click", function () {
    button.hidden = true;
    say("saving");
    // The button that had focus is gone: focus goes to the message that took its place.
    state.focus();
    workers.register("/sw.js").then(function () { tell({ type: "save-language", lang: lang }); }, failed);
  });

  function offer(worker) {
    update.hidden = false;
    update.querySelector("button").addEventListener("click", function () { worker.postMessage({ type: "skip-waiting" }); });
  }

  // A new release took over (accepted in this tab or another): reload into it, in place.
  workers.addEventListener("controllerchange", function () {
    update.hidden = true;
    if (hadController) location.reload();
    hadController = true;
  });

  box.hidden = false;
  workers.getRegistration().then(function (registration) {
    if (!registration) {
      button.hidden = false;
      return;
    }
    if (registration.waiting && workers.controller) offer(registration.waiting);
    registration.addEventListener("updatefound", function () {
      var worker = registration.installing;
      worker.addEventListener("statechange", function () {
        if (worker.state === "installed" && workers.controller) offer(worker);
      });
    });
    tell({ type: "status" });
  });
})();
