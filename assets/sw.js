// The app's offline copy (a service worker). Installing this version downloads every file the
// app needs into a cache named after the build, all or nothing; activating it deletes the
// caches of older builds. Requests go to the network first, so an online visitor always gets
// the deployment the server has, whole; only when the network fails do they come from this
// build's cache, also whole: a page is never half one build and half another. The first
// visit installs the copy; it serves from the next visit on.
//
// BUILD is replaced at build time by a hash of the files (Trunk.toml's post-build hook,
// scripts/stamp_service_worker.sh): a new deployment is a new worker, hence a new cache.
const BUILD = '__BUILD__';
const CACHE = `nhf-playground-${BUILD}`;
// Relative to this script, so the app works from any sub-path.
const FILES = [
  './',
  './index.html',
  './nhf-playground.js',
  './nhf-playground_bg.wasm',
  './train_worker.js',
  './piece_worker.js',
  './loader.js',
  './manifest.webmanifest',
  './icons/icon-192.png',
  './icons/icon-512.png',
];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      // `reload`: past the browser's HTTP cache, so the copy is this deployment's.
      .then((cache) => cache.addAll(FILES.map((f) => new Request(f, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('nhf-playground-') && k !== CACHE).map((k) => caches.delete(k)))),
    // No clients.claim(): taking over the page that is still loading cut off its training
    // worker's download of the module; the copy serves from the next visit on.
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    fetch(request).catch(async () => {
      const cache = await caches.open(CACHE);
      const hit = await cache.match(request, { ignoreSearch: true });
      if (hit) return hit;
      if (request.mode === 'navigate') {
        const page = await cache.match('./');
        if (page) return page;
      }
      return Response.error();
    }),
  );
});
