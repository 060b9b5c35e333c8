// Regenerates the README screenshots (docs/screenshots/*.png) from the built app in dist/,
// at 1280x800, using the bundled samples. Run with ./dev screenshots.
import fs from 'node:fs';
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
  await page.waitForSelector('[data-testid="verdict"]');
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
  console.log('screenshots written to', out);
} finally {
  await browser.close();
  await app.close();
}
