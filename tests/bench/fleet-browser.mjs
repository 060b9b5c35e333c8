// Browser side of `./dev bench fleet`: in headless Chromium, the time the page takes to open a
// generated fleet as the fleet page, chosen as its folder and as one zip of that folder (the same
// machines: core's drop plan), and what reading the zip cost (its directory reads and the bytes
// read, as a share of its size, which the page puts on #app). Prints JSON (medians of RUNS runs,
// each the first analysis of a fresh page, once its worker says it is ready).
//
//   node tests/bench/fleet-browser.mjs FLEET_DIR FLEET_ZIP
//
// Each time runs from the file input's `change` event to the moment the fleet page's groups are
// in the document (a MutationObserver sees them), in the page's own clock.
import fs from 'node:fs';
import path from 'node:path';
import { launch, startApp, openApp } from '../e2e/helpers.mjs';

const RUNS = Number(process.env.RUNS || 3);
const [dir, zip] = process.argv.slice(2).map((p) => path.resolve(p));
if (!dir || !zip || !fs.statSync(dir).isDirectory() || !fs.statSync(zip).isFile()) {
  console.error('usage: node tests/bench/fleet-browser.mjs FLEET_DIR FLEET_ZIP');
  process.exit(2);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function once(browser, url, input, files) {
  const { page, context } = await openApp(browser, url);
  try {
    await page.evaluate((label) => {
      window.bench = {};
      document.querySelector(`input[aria-label="${label}"]`).addEventListener('change', () => { window.bench.chosen = performance.now(); }, { capture: true });
      const seen = new MutationObserver(() => {
        if (document.querySelector('.fleet-groups')) {
          window.bench.fleet = performance.now();
          seen.disconnect();
        }
      });
      seen.observe(document.body, { childList: true, subtree: true });
    }, input);
    await page.setInputFiles(`input[aria-label="${input}"]`, files);
    await page.waitForSelector('.fleet-groups', { timeout: 1200000 });
    const b = await page.evaluate(() => ({ ms: window.bench.fleet - window.bench.chosen }));
    const app = page.locator('#app');
    const machines = Number((await page.locator('#fleet-title').innerText()).match(/(\d+) machines/)[1]);
    if (!(b.ms > 0)) throw new Error('the change event or the fleet page was not seen');
    return { ms: b.ms, machines, opens: await app.getAttribute('data-zip-opens'), read: await app.getAttribute('data-zip-read') };
  } finally {
    await context.close();
  }
}

const browser = await launch();
const app = await startApp();
try {
  const folder = [];
  const zipped = [];
  // Interleaved, so that a machine busy with something else weighs on both alike.
  for (let i = 0; i < RUNS; i++) {
    folder.push(await once(browser, app.url, 'Choose a log folder', dir));
    zipped.push(await once(browser, app.url, 'Choose log files', [zip]));
  }
  if (folder[0].machines !== zipped[0].machines) throw new Error(`the folder gave ${folder[0].machines} machines, the zip ${zipped[0].machines}`);
  const f = median(folder.map((r) => r.ms)) / 1000;
  const z = median(zipped.map((r) => r.ms)) / 1000;
  console.log(JSON.stringify({
    machines: folder[0].machines,
    folder_s: f,
    zip_s: z,
    zip_over_folder: z / f,
    zip_directory_reads: Number(zipped[0].opens),
    zip_bytes_read_over_size: Number(zipped[0].read),
    runs: RUNS,
  }));
} finally {
  await browser.close();
  await app.close();
}
