// Opens the release build (dist/) with the launcher of web/harness.mjs (the browser, flags,
// server and 1280x800 page of the browser test), once the app draws. Shared by
// scripts/bench_wasm.mjs, scripts/browser_training.mjs and scripts/render_cost.mjs.
//
//   const app = await openApp('#target=8gaussians'); … app.command({cmd:'train'}) …; await app.close();

import { openApp as openHarnessApp } from '../web/harness.mjs';

/** The app at `hash`: { page, status(), command(obj) → its result (throws unless ok), close() }. */
export async function openApp(hash = '', options = {}) {
  const app = await openHarnessApp(hash, options);
  return {
    page: app.page,
    status: () => app.status(),
    command: async (obj) => (await app.commandOk(obj)).result,
    close: () => app.close(),
  };
}
