// Files: save the model (a download) and load it back through the file picker, export samples
// and the views, refuse broken model and mixture files; a custom mixture becomes the target.
import fs from 'node:fs';
import path from 'node:path';
import { MIN_COLOURS, RESULTS, VIEWPORT, assert } from '../harness.mjs';
import { choose } from './file_picker.mjs';

/** Runs `action` and returns the download it starts. */
async function download(app, action) {
  const [d] = await Promise.all([app.page.waitForEvent('download', { timeout: 15_000 }), action()]);
  return d;
}

export default {
  name: 'files',
  about: 'save, load, export and refuse files (downloads and the file picker)',
  async run(t) {
    const app = await t.openApp('#target=moons&seed=4');

    const pickFile = (files) => choose(app, files);

    await t.check('save the model (download), load it back through the file picker, refuse a broken file', async () => {
      await app.commandOk({ cmd: 'link', link: '#target=moons&seed=4' });
      await app.commandOk({ cmd: 'step' });
      await app.commandOk({ cmd: 'step' });
      const trained = await app.status();
      const saving = await download(app, () => app.commandOk({ cmd: 'save_model' }));
      const file = path.join(RESULTS, 'saved-model.json');
      await saving.saveAs(file);
      const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
      assert(saved.format === 'nhf-playground-model' && saved.step === 2 && saved.target === 'moons', `saved: ${saved.format} step ${saved.step} ${saved.target}`);
      assert(saving.suggestedFilename() === 'nhf-moons-step2.json', saving.suggestedFilename());
      const csv = await download(app, () => app.commandOk({ cmd: 'export_samples', n: 2000 }));
      const csvFile = path.join(RESULTS, 'samples.csv');
      await csv.saveAs(csvFile);
      const rows = fs.readFileSync(csvFile, 'utf8').trim().split('\n');
      assert(rows.length > 1900 && rows.slice(1).every((r) => r.split(',').map(Number).every(Number.isFinite)), `samples.csv: ${rows.length} rows, first ${rows[1]}`);
      await app.commandOk({ cmd: 'target', name: 'banana' });
      await pickFile(file);
      const loaded = await app.waitStatus((x) => /model loaded/.test(x.message || ''), { timeout: 15_000, what: 'the model to load' });
      assert(loaded.target === 'moons' && loaded.step === 2 && loaded.settings.train.seed === 4, `loaded: ${loaded.target} step ${loaded.step}`);
      assert(JSON.stringify(loaded.anim_summary) !== JSON.stringify(null), 'no trajectories after loading');
      await pickFile({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"nhf-playground-model","version":1,') });
      const refused = await app.waitStatus((x) => /kept/.test(x.message || ''), { timeout: 15_000, what: 'the broken file to be refused' });
      assert(refused.step === 2 && refused.target === 'moons' && refused.link === loaded.link, 'a broken file changed the state');
      await app.screenshot('11-broken-model-file.png');
      await app.commandOk({ cmd: 'dismiss_error' });
      // A custom Gaussian mixture file becomes the target; a bad one is refused with the field.
      const mixture = '{"name":"two blobs","components":[{"weight":1,"mean":[-2,0],"cov":[[0.3,0],[0,0.3]]},{"weight":1,"mean":[2,1],"cov":[[0.4,0.1],[0.1,0.3]]}]}';
      await pickFile({ name: 'two-blobs.json', mimeType: 'application/json', buffer: Buffer.from(mixture) });
      const custom = await app.waitStatus((x) => /custom mixture loaded/.test(x.message || ''), { timeout: 15_000, what: 'the mixture to load' });
      assert(custom.target === 'custom' && custom.link.includes('mixture='), `after the mixture: ${custom.target}, ${custom.link.slice(0, 80)}`);
      const badMixture = mixture.replace('"weight":1,"mean":[-2,0]', '"weight":-1,"mean":[-2,0]');
      await pickFile({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(badMixture) });
      const badMix = await app.waitStatus((x) => /mixture file/.test(x.message || ''), { timeout: 15_000, what: 'the bad mixture to be refused' });
      assert(/weight/.test(badMix.message) && badMix.link === custom.link, `bad mixture: ${badMix.message}`);
      await app.screenshot('12-custom-mixture.png');
      await app.commandOk({ cmd: 'dismiss_error' });
      return `${trained.step} steps saved and loaded; broken file: ${refused.message.slice(0, 60)}`;
    });

    await t.check('export the views as a PNG download', async () => {
      const exporting = await download(app, () => app.commandOk({ cmd: 'export_view' }));
      const file = path.join(RESULTS, 'exported-view.png');
      await exporting.saveAs(file);
      const png = fs.readFileSync(file);
      assert(png.slice(1, 4).toString() === 'PNG', 'not a PNG');
      const w = png.readUInt32BE(16);
      const h = png.readUInt32BE(20);
      assert(w > 600 && w < VIEWPORT.width && h > 500 && h <= VIEWPORT.height, `exported ${w}x${h}`);
      const { colours } = await app.countColours(png);
      assert(colours >= MIN_COLOURS, `exported view has ${colours} colours`);
      const s = await app.status();
      assert(/view saved as/.test(s.message || ''), `message ${s.message}`);
      return `${w}x${h}, ${colours} colours`;
    });

    await t.check('frames still advancing at the end', async () => {
      await app.waitFrames(3);
      t.watcher.noPanicSoFar();
      await app.screenshot('03-final.png');
    });
  },
};
