// Regenerates the README screenshots (docs/screenshots/*.png) from the built app in dist/,
// at 1280x800, using the bundled samples. Run with ./dev screenshots.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, startApp, openApp, ROOT } from './helpers.mjs';

const out = path.join(ROOT, 'docs/screenshots');
fs.mkdirSync(out, { recursive: true });
const browser = await launch();
const app = await startApp();
try {
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
