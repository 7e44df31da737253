// The browser's file picker, as a user reaches it: a real click on the panel's Load file button
// (browsers open pickers only on a user gesture), then the files chosen in it.

/** Chooses `files` (a path, or `{ name, mimeType, buffer }`) in the picker `app` opens. */
export async function choose(app, files) {
  const [x, y, w, h] = (await app.status()).widgets.load_button;
  const box = await app.canvasBox();
  const [chooser] = await Promise.all([
    app.page.waitForEvent('filechooser', { timeout: 15_000 }),
    app.click(box.x + x + w / 2, box.y + y + h / 2),
  ]);
  await chooser.setFiles(files);
}
