// Wherever the class is: the app served from a sub-path as on a project page, its manifest,
// and, after one visit, the app opening and training with the server stopped (the service
// worker's copy). Each check starts its own server, since stopping it is the point.
import { assert, fmt, openApp, startServer } from '../harness.mjs';

/**
 * Waits until the offline copy is installed: the service worker the first visit registered is
 * active, so the next navigation, online or not, goes through it.
 */
async function waitInstalled(app) {
  await app.page.evaluate(() => navigator.serviceWorker.ready);
  return app.page.evaluate(async () => (await caches.keys()).join(','));
}

export default {
  name: 'offline',
  about: 'served under /nhf-playground/ (link, worker, training); the manifest; offline after one visit',
  async run(t) {
    await t.check('served under /nhf-playground/: the link applies, training runs in the worker, nothing is fetched outside the sub-path', async () => {
      const server = await startServer({ prefix: '/nhf-playground/' });
      const app = await openApp('#target=banana&blocks=2', { server, watcher: t.watcher, label: 'sub-path', handleSignals: false });
      try {
        const s0 = await app.status();
        assert(s0.target === 'banana' && s0.settings.flow.blocks === 2, `the link was not applied: ${s0.target}, ${s0.settings.flow.blocks} blocks`);
        await app.commandOk({ cmd: 'train' });
        const s = await app.waitStatus((x) => x.step >= 5 && x.training_in === 'worker', { timeout: 60_000, what: 'training in the worker' });
        await waitInstalled(app);
        const outside = server.served.filter((r) => !r.url.startsWith('/nhf-playground/') || r.status !== 200);
        assert(outside.length === 0, `requests outside the sub-path or failed: ${fmt(outside)}`);
        await app.screenshot('subpath-nhf-playground.png');
        return `${server.base}: step ${s.step}, ${server.served.length} requests, all under the sub-path`;
      } finally {
        await app.close();
        await server.close();
      }
    });

    await t.check('the web app manifest names the app, its start page and its icons', async () => {
      const server = await startServer();
      const app = await openApp('', { server, watcher: t.watcher, label: 'manifest', handleSignals: false });
      try {
        const m = await app.page.evaluate(async () => {
          const href = document.querySelector('link[rel=manifest]')?.href;
          const manifest = await (await fetch(href)).json();
          const icons = await Promise.all(manifest.icons.map(async (i) => (await fetch(new URL(i.src, href))).status));
          return { manifest, icons };
        });
        assert(m.manifest.name === 'NHF Playground' && m.manifest.start_url === './' && m.manifest.display === 'standalone', `manifest ${fmt(m.manifest)}`);
        assert(m.icons.length >= 2 && m.icons.every((s) => s === 200), `icons answered ${fmt(m.icons)}`);
        return `${m.manifest.icons.map((i) => i.sizes).join(', ')}`;
      } finally {
        await app.close();
        await server.close();
      }
    });

    await t.check('offline: after one visit, with the server stopped, a reload opens the app and it trains', async () => {
      const server = await startServer();
      const app = await openApp('#target=8gaussians', { server, watcher: t.watcher, label: 'offline', handleSignals: false });
      try {
        const caches = await waitInstalled(app);
        // Training in the worker first: the worker's own download of the module is done, so the
        // reload below cuts nothing off.
        await app.commandOk({ cmd: 'train' });
        await app.waitStatus((x) => x.step >= 2 && x.training_in === 'worker', { timeout: 60_000, what: 'training in the worker online' });
        await app.commandOk({ cmd: 'pause' });
        await server.close();
        const again = await fetch(server.base).then(() => 'answered', () => 'refused');
        assert(again === 'refused', `the server still answers (${again})`);
        await app.page.reload();
        await app.waitReady();
        await app.commandOk({ cmd: 'link', link: '#target=banana' });
        await app.commandOk({ cmd: 'train' });
        const s = await app.waitStatus((x) => x.step >= 5 && x.loss !== null, { timeout: 60_000, what: 'training offline' });
        assert(s.error === null, `error offline: ${s.error}`);
        await app.screenshot('offline-training.png');
        return `cache ${caches}; step ${s.step} offline, training in the ${s.training_in}`;
      } finally {
        await app.close();
        await server.close().catch(() => {});
      }
    });
  },
};
