/* Waymark's service worker: the guidance keeps working with no signal, and on a signal that answers nothing.
 *
 * The server (webapp/offline.py) puts a BUILD object before this file:
 *   BUILD.version    a hash of every rendered page (every language, both views) and asset; it names the cache
 *   BUILD.assets     the hash-named bundles and the icon every page needs
 *   BUILD.languages  for each language tag, the addresses of its pages and the bytes (brotli) they cost
 *   BUILD.exitPath, BUILD.exitUrl   the quick exit's route and where it leads
 *
 * - install: save the assets, and save again the languages the previous release had saved. Then wait: a new
 *   release takes over only when the person accepts it (a "skip-waiting" message), so a page never mixes
 *   old and new assets.
 * - activate: delete this app's other caches.
 * - saving a language: a few pages at once, one save per language however many tabs ask, progress to all.
 * - navigations: the network first (no navigation preload), for NETWORK_TIMEOUT_MS; then the saved copy (a lite address opens the saved
 *   full page). A network answer that comes late still refreshes the saved copy for next time.
 * - an address never saved: the same page in a saved language, else the offline page, always with the exit.
 * - assets: cache first. Nothing is saved from another origin, and no redirect or error is ever saved.
 * - the quick exit route always leaves, even offline.
 * - push: refresh the saved pages of the notice's language, then show the neutral notice it carries;
 *   tapping it opens a Waymark page (only a Waymark page) in place, without a new history entry.
 */
"use strict";

const CACHE_PREFIX = "waymark-";
const CACHE = CACHE_PREFIX + BUILD.version;
// About what Workbox uses (networkTimeoutSeconds): long enough for a slow link, short enough that a person
// on a signal that answers nothing (a captive portal, one bar) still gets the saved page at once.
const NETWORK_TIMEOUT_MS = 3000;
const SAVES_AT_ONCE = 5;

function isSaveable(response) {
  return response && response.ok && response.status === 200 && !response.redirected && response.type === "basic";
}

function isPage(url) {
  return !(url.endsWith("/manifest.webmanifest") || url.startsWith("/static/"));
}

// A page that names bundles this release does not have belongs to another release: it is not saved (the
// newer worker will save it with its own assets), so no saved page ever mixes releases. A page that names
// none is the lite view, which is never saved.
async function isFromThisRelease(response) {
  const bundles = (await response.clone().text()).match(/\/static\/gen\/[^"' >]+/g) || [];
  if (bundles.some((bundle) => !BUILD.assets.includes(bundle))) {
    self.registration.update().catch(() => {});
    return false;
  }
  return bundles.length > 0;
}

// Pages are fetched in the full standard view whatever Save-Data says, and saved under their plain address.
async function saveUrl(cache, url) {
  const page = isPage(url);
  // Hash-named assets never change, so the copy the browser already has is used without asking again.
  const response = await fetch(page ? url + "?view=full" : url, { cache: page ? "no-cache" : "default" });
  if (!isSaveable(response)) throw new Error("not saved: " + url + " answered " + response.status);
  if (page && !(await isFromThisRelease(response))) throw new Error("not saved: " + url + " is from another release");
  await cache.put(url, response);
}

async function tellEveryTab(message) {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  windows.forEach((client) => client.postMessage(message));
}

// The manifest is the language's last address and is saved last: a cached manifest means every page is saved.
async function saveLanguageNow(lang, onProgress) {
  const cache = await caches.open(CACHE);
  const urls = BUILD.languages[lang].pages;
  const pages = urls.slice(0, -1);
  let done = 0;
  let next = 0;
  const progress = () => onProgress && onProgress(done, urls.length);
  async function saveNext() {
    while (next < pages.length) {
      const url = pages[next];
      next += 1;
      if (!(await cache.match(url))) await saveUrl(cache, url);
      done += 1;
      await progress();
    }
  }
  await Promise.all(Array.from({ length: SAVES_AT_ONCE }, saveNext));
  const manifest = urls[urls.length - 1];
  if (!(await cache.match(manifest))) await saveUrl(cache, manifest);
  done += 1;
  await progress();
}

// One save per language at a time, however many tabs ask for it.
const saving = new Map();

function saveLanguage(lang) {
  if (!saving.has(lang)) {
    const save = saveLanguageNow(lang, (done, total) => tellEveryTab({ type: "save-progress", lang, done, total }))
      .then(() => tellEveryTab({ type: "saved", lang }))
      .catch(() => tellEveryTab({ type: "save-failed", lang }))
      .finally(() => saving.delete(lang));
    saving.set(lang, save);
  }
  return saving.get(lang);
}

function offlinePath(lang) {
  return "/" + lang + "/offline";
}

// A language counts as saved once the last address of its list, its manifest, is in a cache.
async function savedLanguages(cacheName) {
  const cache = await caches.open(cacheName);
  const saved = [];
  for (const lang of Object.keys(BUILD.languages)) {
    const pages = BUILD.languages[lang].pages;
    if (await cache.match(pages[pages.length - 1])) saved.push(lang);
  }
  return saved;
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    for (const url of BUILD.assets) await saveUrl(cache, url);
    const previous = (await caches.keys()).filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE);
    const languages = new Set();
    for (const name of previous) (await savedLanguages(name)).forEach((lang) => languages.add(lang));
    for (const lang of languages) await saveLanguageNow(lang);
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE)
      .map((name) => caches.delete(name)));
    // No navigation preload: a preload request is dropped once the page has been answered from the cache,
    // and its late answer is what refreshes the saved copy. (Earlier releases turned it on.)
    if (self.registration.navigationPreload) await self.registration.navigationPreload.disable();
    await self.clients.claim();
  })());
});

function offered(tag) {
  return typeof tag === "string" && Object.prototype.hasOwnProperty.call(BUILD.languages, tag);
}

// What an address asks for: its language (null when it names none, as "/" does) and the rest of the path,
// the same in every language and both views ("/ar/lite/get-help" and "/ar/get-help": "get-help").
function pageOf(url) {
  const parts = new URL(url).pathname.split("/").filter(Boolean);
  const lang = offered(parts[0]) ? parts.shift() : null;
  if (lang && parts[0] === "lite") parts.shift();
  return { lang, rest: parts.join("/") };
}

// Saved languages, those the browser prefers first.
async function savedByPreference() {
  const wanted = (self.navigator.languages || []).map((tag) => tag.toLowerCase());
  const rank = (tag) => {
    const index = wanted.findIndex((asked) => asked === tag.toLowerCase() || asked.startsWith(tag.toLowerCase() + "-"));
    return index === -1 ? wanted.length : index;
  };
  return (await savedLanguages(CACHE)).sort((a, b) => rank(a) - rank(b));
}

const MATCH = { ignoreSearch: true, ignoreVary: true };

// The saved copy of the page an address asks for: "/en" and "/en/lite/" open "/en/", a lite page opens the saved
// full page, and "/" opens the home page of a saved language.
async function savedCopy(url) {
  const cache = await caches.open(CACHE);
  const { lang, rest } = pageOf(url);
  if (lang) return cache.match("/" + lang + "/" + rest, MATCH);
  const [preferred] = await savedByPreference();
  return rest === "" && preferred ? cache.match("/" + preferred + "/", MATCH) : undefined;
}

// No network and no saved copy: the same page in a saved language, else the offline page (the numbers to call)
// in the address's language or a saved one. Every saved page has the exit; so does the last resort.
async function offlineAnswer(url) {
  const cache = await caches.open(CACHE);
  const { lang, rest } = pageOf(url);
  const saved = await savedByPreference();
  for (const tag of new Set([lang, ...saved].filter(Boolean))) {
    const page = await cache.match("/" + tag + "/" + rest, MATCH);
    if (page) return page;
  }
  for (const tag of new Set([lang, ...saved, "en", ...Object.keys(BUILD.languages)].filter(Boolean))) {
    const page = await cache.match(offlinePath(tag));
    if (page) return page;
  }
  // Nothing saved at all (the person asked to save data and saved nothing): the numbers, plainly, and the exit.
  const links = BUILD.help.map((line) => '<p><a href="' + line.href + '">' + line.display + "</a></p>").join("");
  return new Response('<!doctype html><html lang="en"><meta name="viewport" content="width=device-width">' +
    '<title>Offline – Waymark</title><p><a href="' + BUILD.exitPath + '">Exit this page</a></p>' +
    "<h1>You are offline</h1><p>You can still call:</p>" + links, {
    status: 503, headers: { "Content-Type": "text/html; charset=utf-8" },
  });
}

// A page already saved is saved again from any full-view answer of this release, so the next visit without
// a signal shows what the last one with a signal did.
async function refreshSavedCopy(url, response) {
  if (!isSaveable(response)) return;
  const path = new URL(url).pathname;
  const cache = await caches.open(CACHE);
  if (!isPage(path) || !(await cache.match(path)) || !(await isFromThisRelease(response))) return;
  await cache.put(path, response);
}

async function navigate(event) {
  const url = event.request.url;
  const network = fetch(event.request);
  // Copied before the page can read the body (this callback runs before the race below sees the answer);
  // kept alive after the page has been answered, so a late answer still refreshes the saved copy.
  const copy = network.then((response) => response.clone());
  event.waitUntil(copy.then((response) => refreshSavedCopy(url, response)).catch(() => {}));
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(resolve, NETWORK_TIMEOUT_MS, null); });
  try {
    const answer = await Promise.race([network, timeout]);
    if (answer && answer.status < 500) return answer;
    const saved = await savedCopy(url);
    if (saved) return saved;
    // Nothing saved for this address: a slow network is still the only way to it.
    return answer || (await network);
  } catch (networkError) {
    return offlineAnswer(url);
  } finally {
    clearTimeout(timer);
  }
}

// The exit never waits for the network: the redirect is answered at once, online or not. The server's
// own answer (with Clear-Site-Data) is still asked for, in the background.
// The exit, offline too: answer at once, and ask the server (POST, which nobody waits for) to clear the cache.
function leave(event) {
  event.waitUntil(fetch(BUILD.exitPath, { method: "POST", cache: "no-store", keepalive: true }).catch(() => {}));
  return Response.redirect(BUILD.exitUrl, 303);
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const saved = await cache.match(request, { ignoreVary: true });
  return saved || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (url.pathname === BUILD.exitPath) {
    event.respondWith(leave(event));
  } else if (request.mode === "navigate") {
    event.respondWith(navigate(event));
  } else {
    event.respondWith(cacheFirst(request));
  }
});

async function status() {
  return {
    type: "status",
    version: BUILD.version,
    saved: await savedLanguages(CACHE),
    saving: Array.from(saving.keys()),
    bytes: Object.fromEntries(Object.entries(BUILD.languages).map(([tag, info]) => [tag, info.bytes])),
  };
}

async function handleMessage(data, client) {
  if (data.type === "skip-waiting") {
    await self.skipWaiting();
  } else if (data.type === "status") {
    // A page that may save asks in the same message, so saving starts as soon as this worker is active.
    const save = offered(data.save) && !(await savedLanguages(CACHE)).includes(data.save) ? saveLanguage(data.save) : null;
    client.postMessage(await status());
    await save;
  } else if (data.type === "save-language" && offered(data.lang)) {
    await saveLanguage(data.lang);
  }
}

self.addEventListener("message", (event) => {
  event.waitUntil(handleMessage(event.data || {}, event.source));
});

// A push says only that something changed. Refresh what is saved in that language, check for a new
// release, then show the notice exactly as sent: neutral, in the subscriber's language.
async function refreshLanguage(lang) {
  const cache = await caches.open(CACHE);
  if (!(await savedLanguages(CACHE)).includes(lang)) return;
  for (const url of BUILD.languages[lang].pages) {
    try {
      await saveUrl(cache, url);
    } catch (networkError) {
      return; // keep the saved copy as it is
    }
  }
}

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (notJson) {
    data = {};
  }
  const lang = offered(data.lang) ? data.lang : "en";
  event.waitUntil((async () => {
    // Refresh first, as the notice promises new information; a slow link delays the notice 8 s at most.
    await Promise.race([refreshLanguage(lang), new Promise((resolve) => setTimeout(resolve, 8000))]);
    self.registration.update().catch(() => {});
    await self.registration.showNotification(data.title || "Waymark", {
      body: data.body || "",
      tag: data.tag || "waymark-update",
      lang,
      dir: BUILD.languages[lang].dir,
      icon: BUILD.assets.find((url) => url.endsWith(".png")),
      data: { url: waymarkPage(data.url, lang), lang },
    });
  })());
});

// Only a page of the guidance: whatever else a payload names (another site, an API, a script), the notice
// opens the Updates page of its language instead.
function waymarkPage(address, lang) {
  let url = null;
  try {
    url = new URL(address, self.location.origin);
  } catch (notAnAddress) {
    url = null;
  }
  const pages = Object.values(BUILD.languages).flatMap((info) => info.pages.filter(isPage));
  if (url && url.origin === self.location.origin && pages.includes(url.pathname)) return url.pathname;
  return "/" + lang + "/updates";
}

// What tapping a notice does: the Waymark page it names opens in a Waymark window, in place.
async function openFromNotice(data) {
  const path = waymarkPage(data.url, offered(data.lang) ? data.lang : "en");
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const client = windows.find((window) => window.focused) || windows[0];
  if (!client) return self.clients.openWindow(path);
  // client.navigate() would add a history entry: the page replaces itself instead (offline.js, lite_offline.js).
  client.postMessage({ type: "open", path });
  return client.focus().catch(() => {});
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(openFromNotice(event.notification.data || {}));
});
