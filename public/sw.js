// The offline copy of the site: a service worker that keeps this build's own files (index.html,
// the wasm, its glue, the workers, the styles) in a cache named for the build, so the page works
// with no network after one visit. It never touches another origin's requests (the page makes
// none). The build (a Trunk post-build hook, Trunk.toml) writes the build's version and its file
// list (the fingerprinted names Trunk gave them) over the two placeholders below; a new build is
// a new sw.js, hence a new cache, and the caches of older builds are deleted when it takes over.
const VERSION = '__WULENS_VERSION__';
const FILES = ['__WULENS_FILES__'];
const CACHE = 'wulens-' + VERSION;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(['./', ...FILES.filter((f) => !f.startsWith('__'))])));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('wulens-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// The page first from the network (a rebuilt site is seen at once), from the cache offline;
// the build's fingerprinted files from the cache first. Anything else passes through untouched.
self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
  if (req.mode === 'navigate') {
    event.respondWith(fetch(req).catch(() => caches.match('./', { cacheName: CACHE }).then((r) => r || Response.error())));
    return;
  }
  event.respondWith(caches.match(req, { cacheName: CACHE, ignoreSearch: true }).then((hit) => hit || fetch(req)));
});
