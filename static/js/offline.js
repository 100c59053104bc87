/* Offline and install: registers the service worker, saves the language for offline use (at once, or on
 * request when the browser asks to save data), offers a new version, the install button, and removal.
 * Every message a person reads comes from data-i18n-* attributes that the server translated.
 */
(function () {
  "use strict";

  if (!("serviceWorker" in navigator) || !("caches" in window)) return;

  var lang = document.documentElement.lang;
  var panel, statusRegion;
  // A page that had a worker before sees the controller change only when a new release takes over.
  var hadController = Boolean(navigator.serviceWorker.controller);
  var asked = {}; // languages this tab asked to save from the picker

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

  // This page's language is being saved: the button goes, the progress bar (named by the state) shows.
  function showSaving() {
    var button = $(".js-save-offline");
    var state = $(".js-offline-state");
    var hadFocus = button && document.activeElement === button;
    show(button, false);
    show($(".js-offline-size"), false);
    show($(".js-save-progress"), true);
    state.textContent = text("saving");
    // The button that had focus is gone: focus goes to the message that took its place.
    if (hadFocus) state.focus();
  }

  function startSaving(tag) {
    if (tag === lang) showSaving();
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
    status.saving = status.saving || []; // a worker of an earlier release does not say
    document.querySelectorAll(".js-save-language").forEach(function (button) {
      var tag = button.getAttribute("data-lang");
      show(button, status.saved.indexOf(tag) === -1 && status.saving.indexOf(tag) === -1 && tag in status.bytes);
    });
    if (status.saved.indexOf(lang) !== -1) {
      $(".js-offline-state").textContent = text("ready");
    } else if (status.saving.indexOf(lang) !== -1) {
      showSaving(); // started by this page's status message, or by another tab
    } else if (saveData()) {
      $(".js-offline-size").textContent = text("size", { size: kilobytes(status.bytes[lang] || 0) });
      show($(".js-save-offline"), true);
      show($(".js-offline-size"), true);
    }
  }

  // A tapped update notice asks the page to open a Waymark page in its place, with no new history entry.
  function open(path) {
    var url = new URL(path, location.href);
    if (url.origin === location.origin) location.replace(url.href);
  }

  function onMessage(event) {
    var data = event.data || {};
    if (data.type === "status") {
      onStatus(data);
    } else if (data.type === "open") {
      open(data.path);
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
      } else if (asked[data.lang]) {
        announce(text("saved-other"));
      }
      document.querySelectorAll('.js-save-language[data-lang="' + data.lang + '"]').forEach(function (button) {
        show(button, false);
      });
      askToKeep();
    } else if (data.type === "save-failed" && (data.lang === lang || asked[data.lang])) {
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

  // Tells the server to forget this browser's subscription and closes any notice still shown.
  function forgetNotices(registration) {
    var notices = registration.getNotifications
      ? registration.getNotifications().then(function (shown) { shown.forEach(function (notice) { notice.close(); }); })
      : Promise.resolve();
    var subscription = registration.pushManager ? registration.pushManager.getSubscription() : Promise.resolve(null);
    return Promise.all([notices, subscription.then(function (current) {
      if (!current) return null;
      var deleted = fetch("/api/push/subscriptions", {
        method: "DELETE",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ endpoint: current.endpoint }),
        credentials: "omit",
        keepalive: true, // finishes even after the page has left
      }).catch(function () { /* offline: the server drops it when the push service says it is gone */ });
      // A signal that answers nothing must not keep the person here: the server gets 2 seconds.
      var atMost = new Promise(function (resolve) { setTimeout(resolve, 2000); });
      return Promise.all([Promise.race([deleted, atMost]), current.unsubscribe()]);
    })]).catch(function () {});
  }

  function removeEverything() {
    // Every other Waymark tab leaves first (quick_exit.js listens), so none stays open and readable. This tab
    // hears the message too: marked as removing, it finishes the removal and then leaves by itself.
    window.Waymark.removing = true;
    if (window.BroadcastChannel) new BroadcastChannel("waymark-exit").postMessage({ type: "exit" });
    var steps = [
      caches.keys().then(function (names) {
        return Promise.all(names.map(function (name) { return caches.delete(name); }));
      }),
      navigator.serviceWorker.getRegistrations().then(function (registrations) {
        return Promise.all(registrations.map(function (registration) {
          return forgetNotices(registration).then(function () { return registration.unregister(); });
        }));
      }),
    ];
    if (window.indexedDB && indexedDB.databases) {
      steps.push(indexedDB.databases().then(function (databases) {
        databases.forEach(function (database) { indexedDB.deleteDatabase(database.name); });
      }));
    }
    // Every step finishes (or fails) before the page leaves: one failing must not cut the others short.
    return Promise.all(steps.map(function (step) { return step.catch(function () {}); })).then(function () {
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
    // A new release took over (accepted in this tab or another): this page and its assets are the old
    // release's, so it reloads into the new one, in place, and the banner goes with it.
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      show($(".js-update"), false);
      if (hadController) location.reload();
      hadController = true;
    });

    var save = $(".js-save-offline");
    if (save) save.addEventListener("click", function () { startSaving(lang); });
    document.querySelectorAll(".js-save-language").forEach(function (button) {
      button.addEventListener("click", function () {
        var tag = button.getAttribute("data-lang");
        asked[tag] = true;
        // The button goes: focus stays in its list item, on the language's own link.
        var link = button.parentNode.querySelector("a");
        show(button, false);
        if (link) link.focus();
        announce(text("saving"));
        startSaving(tag);
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
      // Asking to save data means nothing is fetched in the background. Otherwise the language is saved as
      // soon as the worker is active (the worker saves it once, however many tabs ask).
      send({ type: "status", save: saveData() ? null : lang });
    });
  });
})();
