/* The register's service worker (served at /register-worker.js, scope /{lang}/staff/sessions/).
   It keeps the register pages opened on this device, and the styles and scripts they use, so that
   a register can be opened again without signal. Pages come from the network whenever it
   answers; a kept page is shown only when it does not, and only for KEEP_HOURS (the page names
   people). Signing out on the register page forgets them all. Marks are not kept here: the
   page keeps them (register-offline.js) and sends them itself. */
"use strict";

var CACHE = "groepsaanbod-register-1";
var REGISTER_PAGE = /^\/[a-z]{2}\/staff\/sessions\/\d+\/register$/;
var KEEP_HOURS = 12;
var KEPT_AT = "x-groepsaanbod-kept-at";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf("groepsaanbod-register-") === 0 && n !== CACHE; })
        .map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function sameOrigin(url) {
  return url.origin === self.location.origin;
}

function isAsset(url) {
  return sameOrigin(url) && url.pathname.indexOf("/static/") === 0;
}

function isRegisterPage(url) {
  return sameOrigin(url) && REGISTER_PAGE.test(url.pathname);
}

/* A page is kept under its path alone (?done=saved is the same page), with the moment it was kept. */
function keepPage(path, response) {
  if (!response || response.status !== 200 || response.redirected) {
    return Promise.resolve();
  }
  return response.clone().blob().then(function (body) {
    var headers = new Headers(response.headers);
    headers.set(KEPT_AT, String(Date.now()));
    return caches.open(CACHE).then(function (cache) {
      return cache.put(path, new Response(body, { status: 200, headers: headers }));
    });
  });
}

function keptPage(path) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(path).then(function (found) {
      var at = found && Number(found.headers.get(KEPT_AT));
      if (found && at && Date.now() - at < KEEP_HOURS * 3600 * 1000) {
        return found;
      }
      if (found) {
        cache.delete(path);
      }
      return Response.error();
    });
  });
}

function page(request, path) {
  return fetch(request).then(function (response) {
    keepPage(path, response);
    return response;
  }, function () {
    return keptPage(path);
  });
}

/* Styles and scripts: the kept copy at once, refreshed behind it. */
function asset(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (found) {
      var fresh = fetch(request).then(function (response) {
        if (response.status === 200) {
          cache.put(request, response.clone());
        }
        return response;
      });
      if (found) {
        fresh.catch(function () { return null; });
        return found;
      }
      return fresh;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  var url = new URL(request.url);
  if (request.mode === "navigate" && isRegisterPage(url)) {
    event.respondWith(page(request, url.pathname));
  } else if (isAsset(url)) {
    event.respondWith(asset(request));
  }
});

/* From the page: {keep: [urls]} on its first visit (it was loaded before this worker ran), or
   {forget: true} when the person signs out. */
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.forget) {
    event.waitUntil(caches.delete(CACHE));
    return;
  }
  var urls = Array.isArray(data.keep) ? data.keep.slice(0, 20) : [];
  event.waitUntil(Promise.all(urls.map(function (href) {
    var url = new URL(href, self.location.origin);
    if (isRegisterPage(url)) {
      return fetch(url.pathname, { credentials: "same-origin" }).then(function (r) { return keepPage(url.pathname, r); }, function () {});
    }
    if (isAsset(url)) {
      return caches.open(CACHE).then(function (cache) {
        return cache.match(url.href).then(function (found) { return found || cache.add(url.href); });
      }).catch(function () {});
    }
    return null;
  })));
});
