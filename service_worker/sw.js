/* Waymark's service worker: the guidance keeps working with no signal.
 *
 * The server (webapp/offline.py) puts a BUILD object before this file:
 *   BUILD.version    a hash of every page and asset of this release; it names the cache
 *   BUILD.assets     the hash-named bundles, icons and manifests every page needs
 *   BUILD.languages  for each language tag, the addresses of its pages and the bytes they cost
 *   BUILD.exitPath, BUILD.exitUrl   the quick exit's route and where it leads
 *
 * - install: save the assets, and save again the languages the previous release had saved. Then wait: a new
 *   release takes over only when the person accepts it (a "skip-waiting" message), so a page never mixes
 *   old and new assets.
 * - activate: delete this app's other caches.
 * - navigations: network first (with navigation preload), then the saved copy, then the offline page.
 * - assets: cache first. Nothing is saved from another origin, and no redirect or error is ever saved.
 * - the quick exit route always leaves, even offline.
 * - push: refresh the saved pages of the notice's language, then show the neutral notice it carries;
 *   tapping it opens the Updates page.
 */
"use strict";

const CACHE_PREFIX = "waymark-";
const CACHE = CACHE_PREFIX + BUILD.version;

function isSaveable(response) {
  return response && response.ok && response.status === 200 && !response.redirected && response.type === "basic";
}

// Pages are fetched in the full standard view whatever Save-Data says, and saved under their plain address.
// A page that names bundles this release does not have belongs to a newer release: it is not saved (the
// newer worker will save it with its own assets), so no saved page ever mixes releases.
async function saveUrl(cache, url) {
  const isPage = !(url.endsWith("/manifest.webmanifest") || url.startsWith("/static/"));
  // Hash-named assets never change, so the copy the browser already has is used without asking again.
  const response = await fetch(isPage ? url + "?view=full" : url, { cache: isPage ? "no-cache" : "default" });
  if (!isSaveable(response)) throw new Error("not saved: " + url + " answered " + response.status);
  if (isPage) {
    const bundles = (await response.clone().text()).match(/\/static\/gen\/[^"' >]+/g) || [];
    if (bundles.some((bundle) => !BUILD.assets.includes(bundle))) {
      self.registration.update().catch(() => {});
      throw new Error("not saved: " + url + " is from another release");
    }
  }
  await cache.put(url, response);
}

async function saveLanguage(lang, onProgress) {
  const cache = await caches.open(CACHE);
  const urls = BUILD.languages[lang].pages;
  let done = 0;
  for (const url of urls) {
    if (!(await cache.match(url))) await saveUrl(cache, url);
    done += 1;
    if (onProgress) onProgress(done, urls.length);
  }
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
    for (const lang of languages) await saveLanguage(lang);
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE)
      .map((name) => caches.delete(name)));
    if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
    await self.clients.claim();
  })());
});

async function offlinePage(url) {
  const cache = await caches.open(CACHE);
  const lang = new URL(url).pathname.split("/")[1];
  const candidates = [lang, "en", ...Object.keys(BUILD.languages)].filter((tag) => tag in BUILD.languages);
  for (const tag of candidates) {
    const page = await cache.match(offlinePath(tag));
    if (page) return page;
  }
  // Nothing saved at all (the person asked to save data and saved nothing): the numbers, plainly.
  const links = BUILD.help.map((line) => '<p><a href="' + line.href + '">' + line.display + "</a></p>").join("");
  return new Response('<!doctype html><html lang="en"><meta name="viewport" content="width=device-width">' +
    "<title>Offline – Waymark</title><h1>You are offline</h1><p>You can still call:</p>" + links, {
    status: 503, headers: { "Content-Type": "text/html; charset=utf-8" },
  });
}

// The saved copy of a page: a lite address falls back to the standard page of the same slug.
async function savedPage(url) {
  const cache = await caches.open(CACHE);
  const options = { ignoreSearch: true, ignoreVary: true };
  return (await cache.match(url, options)) || (await cache.match(url.replace("/lite/", "/"), options));
}

async function navigate(event) {
  try {
    const preloaded = await event.preloadResponse;
    const response = preloaded || (await fetch(event.request));
    if (response.status < 500) return response;
    return (await savedPage(event.request.url)) || response;
  } catch (networkError) {
    return (await savedPage(event.request.url)) || offlinePage(event.request.url);
  }
}

// The exit never waits for the network: the redirect is answered at once, online or not. The server's
// own answer (with Clear-Site-Data) is still asked for, in the background.
function leave(event) {
  event.waitUntil(fetch(event.request.url, { redirect: "manual", cache: "no-store" }).catch(() => {}));
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
    bytes: Object.fromEntries(Object.entries(BUILD.languages).map(([tag, info]) => [tag, info.bytes])),
  };
}

async function handleMessage(data, client) {
  if (data.type === "skip-waiting") {
    await self.skipWaiting();
  } else if (data.type === "status") {
    client.postMessage(await status());
  } else if (data.type === "save-offline-page" && data.lang in BUILD.languages) {
    // One small page, so that a person who has not saved the language still sees the help numbers in it
    // offline. (The page asks for it only when the browser is not asking to save data.)
    const cache = await caches.open(CACHE);
    if (!(await cache.match(offlinePath(data.lang)))) await saveUrl(cache, offlinePath(data.lang));
  } else if (data.type === "save-language" && data.lang in BUILD.languages) {
    try {
      await saveLanguage(data.lang, (done, total) =>
        client.postMessage({ type: "save-progress", lang: data.lang, done, total }));
      client.postMessage({ type: "saved", lang: data.lang });
    } catch (error) {
      client.postMessage({ type: "save-failed", lang: data.lang });
    }
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
  const lang = data.lang in BUILD.languages ? data.lang : "en";
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
      data: { url: data.url || "/" + lang + "/updates" },
    });
  })());
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL(event.notification.data.url, self.location.origin).href;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    for (const client of windows) {
      if ("navigate" in client) {
        try {
          await client.focus();
          return await client.navigate(url);
        } catch (notControlled) {
          break; // navigate() works only for windows this worker controls
        }
      }
    }
    return self.clients.openWindow(url);
  })());
});
