// Regenerates the README screenshots (docs/screenshots/*.png) from the built app in dist/,
// at 1280x800, using the bundled samples, and the first screen of five kinds of drop
// (first-*.png: a Windows Update log, a CBS log, a DISM log and a setup log, real logs read in
// place from ../shared/reallogs when it is there, and the ConfigMgr sample bundle); each PNG is
// the first screen only and kept under 200 KB. Run with ./dev screenshots (`only=first` for the
// five first screens alone).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, startApp, openApp, ROOT, REALLOGS } from './helpers.mjs';

const out = path.join(ROOT, 'docs/screenshots');
fs.mkdirSync(out, { recursive: true });
const MAX_BYTES = 200 * 1024;

// The first screen of each kind of drop: what was dropped, and the file name.
const FIRST = [
  { name: 'first-windows-update.png', files: ['10_WindowsUpdate.log'] },
  { name: 'first-cbs.png', files: ['more/43_CBS.log'] },
  { name: 'first-dism.png', files: ['hold1/06_dism.log'] },
  { name: 'first-setup.png', files: ['more/55_setupact.log'] },
  { name: 'first-configmgr.png', sample: 'broken scan' },
];

// A PNG with its colours rounded to `levels` steps per channel (greys kept grey), re-encoded by
// the browser's canvas: for a first screen a little over the budget.
async function posterize(context, png, levels = 16) {
  const page = await context.newPage();
  const b64 = await page.evaluate(async ({ src, levels }) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + src;
    await img.decode();
    const c = document.createElement('canvas');
    [c.width, c.height] = [img.width, img.height];
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height);
    const step = 255 / (levels - 1);
    const q = (v) => Math.round(Math.round(v / step) * step);
    for (let i = 0; i < d.data.length; i += 4) {
      const [r, gr, b] = [d.data[i], d.data[i + 1], d.data[i + 2]];
      // Near-greys (the page, its text's edges) stay grey: one level for the three channels.
      if (Math.max(r, gr, b) - Math.min(r, gr, b) < 16) {
        const v = q((r + gr + b) / 3);
        d.data[i] = d.data[i + 1] = d.data[i + 2] = v;
      } else [d.data[i], d.data[i + 1], d.data[i + 2]] = [q(r), q(gr), q(b)];
    }
    g.putImageData(d, 0, 0);
    return c.toDataURL('image/png').split(',')[1];
  }, { src: png.toString('base64'), levels });
  await page.close();
  return Buffer.from(b64, 'base64');
}

async function firstScreens(browser, app) {
  for (const d of FIRST) {
    if (d.files && !REALLOGS) {
      console.log(`skipped ${d.name}: the real logs are not here (set WULENS_REALLOGS, or put them at ../shared/reallogs)`);
      continue;
    }
    const { page, context } = await openApp(browser, app.url, { viewport: { width: 1280, height: 800 } });
    if (d.sample) await page.click(`button:has-text("${d.sample}")`);
    else await page.setInputFiles('input[aria-label="Choose log files"]', d.files.map((f) => path.join(REALLOGS, f)));
    await page.waitForSelector('main.report[data-complete]', { timeout: 60000 });
    await page.evaluate(() => document.activeElement?.blur());
    const file = path.join(out, d.name);
    let png = await page.screenshot({ fullPage: false, animations: 'disabled', caret: 'hide' });
    if (png.length > MAX_BYTES) png = await posterize(context, png);
    fs.writeFileSync(file, png);
    const size = png.length;
    if (size > MAX_BYTES) throw new Error(`${d.name} is ${size} bytes, over ${MAX_BYTES}`);
    console.log(`${d.name}: ${size} bytes`);
    await context.close();
  }
}

const browser = await launch();
const app = await startApp();
try {
  await firstScreens(browser, app);
  if (process.env.only === 'first') process.exit(0);
  const { page } = await openApp(browser, app.url);
  await page.waitForSelector('#app[data-worker="ready"]');
  await page.screenshot({ path: path.join(out, 'landing.png') });

  await page.click('button:has-text("broken scan")');
  await page.waitForSelector('main.report[data-complete]');
  await page.screenshot({ path: path.join(out, 'report.png'), fullPage: false });
  await page.screenshot({ path: path.join(out, 'report-full.png'), fullPage: true });

  await page.goto(app.url + '#/log?sev=error,warning');
  await page.waitForSelector('.row[data-line]');
  await page.keyboard.press('Tab');
  await page.locator('.list').focus();
  await page.keyboard.press('F3');
  await page.waitForSelector('.row.selected');
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(out, 'viewer.png') });

  await page.goto(app.url + '#/kb/0x8024401B');
  await page.waitForSelector('.entry');
  await page.screenshot({ path: path.join(out, 'kb-entry.png') });

  // The fleet page: a generated fleet of 120 machines dropped as a folder.
  const fleet = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wulens-shots-')), 'fleet');
  execFileSync('cargo', ['run', '-q', '-p', 'xtask', '--', 'gen-fleet', '--out', fleet, '--count', '120', '--seed', '19'], { cwd: ROOT });
  await page.goto(app.url + '#/');
  await page.setInputFiles('input[aria-label="Choose a log folder"]', fleet);
  await page.waitForSelector('.fleet-groups', { timeout: 60000 });
  await page.screenshot({ path: path.join(out, 'fleet.png') });
  fs.rmSync(path.dirname(fleet), { recursive: true, force: true });
  console.log('screenshots written to', out);
} finally {
  await browser.close();
  await app.close();
}
