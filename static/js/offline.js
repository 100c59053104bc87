/* Offline and install: registers the service worker, saves the language for offline use (at once, or on
 * request when the browser asks to save data), offers a new version, the install button, and removal.
 * Every message a person reads comes from data-i18n-* attributes that the server translated.
 */
(function () {
  "use strict";

  if (!("serviceWorker" in navigator) || !("caches" in window)) return;

  var lang = document.documentElement.lang;
  var panel, statusRegion;
  var updateAccepted = false;

  function $(selector) {
    return document.querySelector(selector);
  }

  function text(name, values) {
    var message = (panel && panel.getAttribute("data-i18n-" + name)) || "";
    Object.keys(values || {}).forEach(function (key) {
      message = message.split("{" + key + "}").join(values[key]);
    });
    return message;
  }

  function announce(message) {
    if (statusRegion) statusRegion.textContent = message;
  }

  function show(element, visible) {
    if (element) element.hidden = !visible;
  }

  function kilobytes(bytes) {
    var kb = Math.max(1, Math.round(bytes / 1000));
    try {
      return new Intl.NumberFormat(lang, { style: "unit", unit: "kilobyte", maximumFractionDigits: 0 }).format(kb);
    } catch (error) {
      return kb + " kB";
    }
  }

  function saveData() {
    return Boolean(navigator.connection && navigator.connection.saveData);
  }

  function send(message) {
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage(message);
    });
  }

  function startSaving(tag) {
    show($(".js-save-offline"), false);
    var progress = $(".js-save-progress");
    if (progress && tag === lang) {
      progress.value = 0;
      show(progress, true);
    }
    announce(text("saving"));
    send({ type: "save-language", lang: tag });
  }

  function askToKeep() {
    if (!(navigator.storage && navigator.storage.persist)) return;
    navigator.storage.persist().then(function (kept) {
      // Only worth saying when the browser may clear the saved pages.
      show($(".js-persist-warning"), !kept);
    });
  }

  function onStatus(status) {
    var saved = status.saved.indexOf(lang) !== -1;
    document.querySelectorAll(".js-save-language").forEach(function (button) {
      var tag = button.getAttribute("data-lang");
      show(button, status.saved.indexOf(tag) === -1 && tag in status.bytes);
    });
    if (saved) {
      $(".js-offline-state").textContent = text("ready");
      return;
    }
    if (saveData()) {
      var button = $(".js-save-offline");
      $(".js-offline-size").textContent = text("size", { size: kilobytes(status.bytes[lang] || 0) });
      show(button, true);
      show($(".js-offline-size"), true);
    } else {
      startSaving(lang);
    }
  }

  function onMessage(event) {
    var data = event.data || {};
    if (data.type === "status") {
      onStatus(data);
    } else if (data.type === "save-progress" && data.lang === lang) {
      var progress = $(".js-save-progress");
      if (progress) {
        progress.max = data.total;
        progress.value = data.done;
      }
    } else if (data.type === "saved") {
      if (data.lang === lang) {
        show($(".js-save-progress"), false);
        show($(".js-offline-size"), false);
        $(".js-offline-state").textContent = text("ready");
        announce(text("ready"));
      } else {
        announce(text("saved-other"));
      }
      document.querySelectorAll('.js-save-language[data-lang="' + data.lang + '"]').forEach(function (button) {
        show(button, false);
      });
      askToKeep();
    } else if (data.type === "save-failed") {
      show($(".js-save-progress"), false);
      show($(".js-save-offline"), saveData());
      announce(text("save-failed"));
    }
  }

  function offerUpdate(worker) {
    var banner = $(".js-update");
    if (!banner) return;
    show(banner, true);
    announce(text("update-ready"));
    banner.querySelector("button").addEventListener("click", function () {
      updateAccepted = true;
      worker.postMessage({ type: "skip-waiting" });
    });
  }

  function watchForUpdates(registration) {
    if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
    registration.addEventListener("updatefound", function () {
      var worker = registration.installing;
      worker.addEventListener("statechange", function () {
        if (worker.state === "installed" && navigator.serviceWorker.controller) offerUpdate(worker);
      });
    });
  }

  function removeEverything() {
    var steps = [
      caches.keys().then(function (names) {
        return Promise.all(names.map(function (name) { return caches.delete(name); }));
      }),
      navigator.serviceWorker.getRegistrations().then(function (registrations) {
        return Promise.all(registrations.map(function (registration) {
          var unsubscribe = registration.pushManager
            ? registration.pushManager.getSubscription().then(function (subscription) {
              return subscription && subscription.unsubscribe();
            })
            : Promise.resolve();
          return unsubscribe.catch(function () {}).then(function () { return registration.unregister(); });
        }));
      }),
    ];
    if (window.indexedDB && indexedDB.databases) {
      steps.push(indexedDB.databases().then(function (databases) {
        databases.forEach(function (database) { indexedDB.deleteDatabase(database.name); });
      }));
    }
    return Promise.all(steps).catch(function () {}).then(function () {
      try { localStorage.clear(); } catch (error) { /* nothing stored */ }
      window.Waymark.exit();
    });
  }

  function setUpInstall() {
    var button = $(".js-install");
    var standalone = window.matchMedia("(display-mode: standalone)").matches || navigator.standalone;
    if (standalone) return;
    var prompt = null;
    window.addEventListener("beforeinstallprompt", function (event) {
      event.preventDefault();
      prompt = event;
      show(button, true);
    });
    if (button) {
      button.addEventListener("click", function () {
        if (!prompt) return;
        prompt.prompt();
        prompt = null;
        show(button, false);
      });
    }
    window.addEventListener("appinstalled", function () { show(button, false); });
    // iOS Safari never prompts: say how instead.
    if (/iPhone|iPad|iPod/.test(navigator.userAgent)) show($(".js-ios-install"), true);
  }

  document.addEventListener("DOMContentLoaded", function () {
    panel = $(".js-offline");
    statusRegion = $(".js-status");
    show(panel, true);
    setUpInstall();

    navigator.serviceWorker.onmessage = onMessage;
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      if (updateAccepted) location.reload();
    });

    var save = $(".js-save-offline");
    if (save) save.addEventListener("click", function () { startSaving(lang); });
    document.querySelectorAll(".js-save-language").forEach(function (button) {
      button.addEventListener("click", function () {
        show(button, false);
        startSaving(button.getAttribute("data-lang"));
      });
    });
    var remove = $(".js-remove-waymark");
    if (remove) {
      show(remove, true);
      remove.addEventListener("click", removeEverything);
    }

    navigator.serviceWorker.register("/sw.js").then(watchForUpdates).catch(function () {
      show(panel, false);
    });
    navigator.serviceWorker.ready.then(function () {
      // Asking to save data means nothing is fetched in the background, not even the offline page.
      if (!saveData()) send({ type: "save-offline-page", lang: lang });
      send({ type: "status" });
    });
  });
})();
