// The page's loading screen while the wasm downloads and compiles (Trunk's initializer hook,
// index.html's data-initializer): the bytes received as a progress bar, then "starting", and a
// plain message instead of a blank page when the browser has no WebAssembly or WebGL, or the
// download fails. src/web/mod.rs removes the screen once the first frame is drawn.
function missingFeatures() {
  const missing = [];
  if (typeof WebAssembly !== 'object') missing.push('WebAssembly');
  const canvas = document.createElement('canvas');
  if (!(canvas.getContext('webgl2') || canvas.getContext('webgl'))) missing.push('WebGL');
  return missing;
}

function show(html) {
  const box = document.getElementById('loading');
  if (box) box.innerHTML = html;
}

export default function loader() {
  const missing = missingFeatures();
  return {
    onStart() {
      if (missing.length > 0) {
        show(
          `<b>NHF Playground needs ${missing.join(' and ')}</b><br/>` +
            '<small>This browser does not offer it (or has it turned off). A recent Chrome, Firefox, Safari or Edge will run the app; ' +
            'for WebGL, check that hardware acceleration is allowed.</small>',
        );
      }
    },
    onProgress({ current, total }) {
      if (missing.length > 0) return;
      const bar = document.getElementById('loading-progress');
      const text = document.getElementById('loading-text');
      if (bar && total > 0) {
        bar.max = total;
        bar.value = Math.min(current, total);
      }
      if (text && total > 0) {
        const mb = (x) => (x / 1e6).toFixed(1);
        text.textContent = current >= total ? 'Compiling…' : `Downloading ${mb(current)} of ${mb(total)} MB`;
      }
    },
    onComplete() {},
    onSuccess() {
      const text = document.getElementById('loading-text');
      if (text && missing.length === 0) text.textContent = 'Starting…';
    },
    onFailure(reason) {
      const why = missing.length > 0 ? `it needs ${missing.join(' and ')}` : String(reason);
      show(
        `<b>NHF Playground could not start</b><br/><small>${why.replace(/</g, '&lt;')}</small><br/>` +
          '<small>Reload the page to try again; if you are offline, it opens offline only after one visit online.</small>',
      );
    },
  };
}
