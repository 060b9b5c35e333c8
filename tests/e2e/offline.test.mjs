// Offline: after one visit the page works with no network (its service worker, public/sw.js,
// keeps this build's own files), and no request ever goes to another origin. A rebuilt site
// (another sw.js) takes over with a cache of its own and the old build's cache is deleted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, openApp, waitForReport, artifact, DIST } from './helpers.mjs';
import { serve } from './server.mjs';

async function cacheNames(page) {
  return page.evaluate(() => caches.keys());
}

test('after one visit the page analyses a sample with the network off', async () => {
  // A copy of dist/: the test plays a rebuild by changing its sw.js.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wulens-offline-'));
  fs.cpSync(DIST, dir, { recursive: true });
  const app = await serve(dir);
  const browser = await launch();
  try {
    const { page, context, problems } = await openApp(browser, app.url, { serviceWorkers: 'allow' });
    const origins = new Set();
    context.on('request', (r) => origins.add(new URL(r.url()).origin));
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(async () => (await caches.keys()).some((k) => k.startsWith('wulens-')));
    const [cache] = await cacheNames(page);
    const cached = await page.evaluate(async (name) => (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname), cache);
    assert.ok(cached.some((p) => p.endsWith('.wasm')) && cached.includes('/worker.js') && cached.includes('/'), cached.join(' '));

    await context.setOffline(true);
    await page.reload();
    await page.waitForSelector('#app[data-state="ready"]', { timeout: 30000 });
    await page.waitForSelector('#app[data-worker="ready"]', { timeout: 30000 });
    await page.click('button:has-text("broken scan")');
    await waitForReport(page);
    assert.match(await page.getByTestId('verdict').innerText(), /step 3/);
    await page.screenshot({ path: artifact('offline-report.png') });
    assert.deepEqual([...origins], [app.origin], 'no request to another origin');

    // A rebuild: a new sw.js. Online again, the next visit installs it; once the old page is
    // gone it takes over, with its own cache, and the old build's cache is deleted.
    await context.setOffline(false);
    const sw = path.join(dir, 'sw.js');
    fs.writeFileSync(sw, fs.readFileSync(sw, 'utf8').replace(/const VERSION = '([^']*)'/, "const VERSION = '$1-next'"));
    await page.close();
    const next = await context.newPage();
    await next.goto(app.url);
    await next.waitForSelector('#app[data-state="ready"]', { timeout: 30000 });
    await next.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r && r.update()));
    await next.close();
    const last = await context.newPage();
    await last.goto(app.url);
    await last.waitForFunction(async (old) => { const k = await caches.keys(); return k.length === 1 && k[0] !== old && k[0].endsWith('-next'); }, cache, { timeout: 30000 });
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await browser.close();
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
