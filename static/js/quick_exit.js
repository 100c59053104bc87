/* Quick exit: leave Waymark in one move and leave it out of the tab's history, in both views.
 *
 * - Links inside Waymark navigate with location.replace, so a whole visit is one history entry.
 * - "Exit this page" (or Shift pressed 3 times within 5 seconds) first stops any reading aloud, then hides the
 *   page, blanks the title, clears answers and session state and replaces this entry with a neutral site, so
 *   Back goes to what came before Waymark.
 * - Every other open Waymark tab leaves too (a message on the "waymark-exit" channel).
 * - A Waymark page shown again by Back after an exit (from the back-forward cache or reloaded) leaves again.
 * The standard view loads this file in the head; the lite view carries it inside the page, at its end.
 * Without JavaScript the link still works: it points to a route that redirects to the neutral site.
 */
(function () {
  "use strict";

  var EXITED_KEY = "waymark-exited";
  var CHANNEL = "waymark-exit";
  var SHIFT_PRESSES = 3;
  var SHIFT_WINDOW_MS = 5000;
  var exited = false;
  var channel = window.BroadcastChannel ? new BroadcastChannel(CHANNEL) : null;

  function exitLink() {
    return document.querySelector(".js-quick-exit");
  }

  function neutralUrl() {
    var link = exitLink();
    return (link && link.getAttribute("data-exit-url")) || "/go";
  }

  function hidePage() {
    document.documentElement.classList.add("is-exiting");
    if (document.body) document.body.hidden = true;
    document.title = "";
  }

  // Asks the server to clear this site's HTTP cache (Clear-Site-Data) in a request nobody waits for:
  // on the navigation itself, Chromium would hold the page on screen until the cache was cleared.
  function clearCacheInBackground() {
    var link = exitLink();
    try {
      if (link && navigator.sendBeacon) navigator.sendBeacon(link.getAttribute("href"));
    } catch (error) { /* offline or refused: leaving matters more */ }
  }

  // A voice reading the page aloud (Listen) would go on talking after the page has gone: it stops first.
  function silence() {
    try {
      if (window.speechSynthesis) window.speechSynthesis.cancel();
    } catch (error) { /* no speech to stop */ }
  }

  // Answers on the page ("Is this happening to me?") are forgotten, so Back or a restore cannot show them.
  function forgetAnswers() {
    var forms = document.forms || [];
    for (var i = 0; i < forms.length; i += 1) forms[i].reset();
  }

  function exitNow(toldByAnotherTab) {
    silence();
    var first = !exited;
    exited = true;
    hidePage();
    forgetAnswers();
    try {
      sessionStorage.clear();
      // Kept only so that a Waymark page reached again by Back knows to leave at once.
      sessionStorage.setItem(EXITED_KEY, "1");
    } catch (error) { /* storage can be off; the exit still goes ahead */ }
    if (first && !toldByAnotherTab) {
      if (channel) channel.postMessage({ type: "exit" });
      clearCacheInBackground();
    }
    var standalone = window.matchMedia && window.matchMedia("(display-mode: standalone)").matches;
    if (standalone && history.length === 1) {
      window.close();
    }
    location.replace(neutralUrl());
  }

  function navigationType() {
    var entries = performance.getEntriesByType ? performance.getEntriesByType("navigation") : [];
    return entries.length ? entries[0].type : "navigate";
  }

  function exitedEarlier() {
    try {
      return sessionStorage.getItem(EXITED_KEY) === "1";
    } catch (error) {
      return false;
    }
  }

  // Other scripts (removing Waymark from the device) leave the same way.
  window.Waymark = window.Waymark || {};
  window.Waymark.exit = function () { exitNow(false); };

  // Before anything paints: a page reloaded by Back after an exit leaves again. A fresh visit (typed or
  // followed link) is the person choosing to come back, so it forgets the exit instead.
  if (exitedEarlier()) {
    if (navigationType() === "back_forward") {
      exitNow(true);
      return;
    }
    try { sessionStorage.removeItem(EXITED_KEY); } catch (error) { /* nothing to forget */ }
  }

  // An exit in any other Waymark tab (or "Remove Waymark from this device" there) empties this one too.
  if (channel) {
    channel.onmessage = function (event) {
      // A tab removing Waymark sent this itself, and leaves once the removal is done.
      if (event.data && event.data.type === "exit" && !window.Waymark.removing) exitNow(true);
    };
  }

  // A page restored from the back-forward cache after an exit leaves again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && (exited || exitedEarlier())) exitNow(true);
  });

  // Sentences that are true only with this script running (Back never returns here, Shift exits).
  function showScriptOnlyText() {
    var parts = document.querySelectorAll(".js-with-exit-script");
    for (var i = 0; i < parts.length; i += 1) parts[i].hidden = false;
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showScriptOnlyText);
  } else {
    showScriptOnlyText();
  }

  function isInternalNavigation(link, event) {
    if (event.defaultPrevented || event.button !== 0) return false;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return false;
    if (link.target && link.target !== "_self") return false;
    if (link.hasAttribute("download")) return false;
    return link.origin === location.origin && (link.protocol === "http:" || link.protocol === "https:");
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link) return;
    if (link.classList.contains("js-quick-exit")) {
      event.preventDefault();
      exitNow(false);
      return;
    }
    if (isInternalNavigation(link, event)) {
      event.preventDefault();
      location.replace(link.href);
    }
  });

  // Shift pressed 3 times within 5 seconds. A Shift that is part of something else (Shift+A, Shift+click,
  // Shift+scroll) does not count, and any other key, click or scroll starts the count again.
  var presses = 0;
  var shiftDown = false;
  var timer = null;

  // Says `name`'s message (read from the link's data-i18n-* attributes, translated by the server), or
  // clears the status when `name` is null.
  function announce(name) {
    var status = document.querySelector(".js-exit-status");
    var link = exitLink();
    if (status && link) status.textContent = (name && link.getAttribute("data-i18n-" + name)) || "";
  }

  function resetPresses() {
    presses = 0;
    clearTimeout(timer);
    timer = null;
  }

  function startAgain() {
    shiftDown = false;
    if (presses) {
      resetPresses();
      announce(null);
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Shift") {
      shiftDown = !event.repeat || shiftDown;
      return;
    }
    startAgain();
  });
  // Capturing and passive: seen even when the page stops the event, and never slows scrolling.
  document.addEventListener("pointerdown", startAgain, { capture: true, passive: true });
  document.addEventListener("wheel", startAgain, { capture: true, passive: true });

  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift" || !shiftDown) return;
    shiftDown = false;
    presses += 1;
    if (presses === 1) {
      timer = setTimeout(function () {
        resetPresses();
        announce("timed-out");
      }, SHIFT_WINDOW_MS);
    }
    if (presses >= SHIFT_PRESSES) {
      resetPresses();
      announce("exiting");
      exitNow(false);
    } else {
      announce("presses-left-" + (SHIFT_PRESSES - presses));
    }
  });
})();
