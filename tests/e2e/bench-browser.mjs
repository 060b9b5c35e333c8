// Browser side of ./dev bench: in headless Chromium, the time wulens takes to analyse the files
// of a folder (from choosing them to the verdict on screen), the time File.arrayBuffer() takes to
// read the same files, and the longest task the page's main thread ran meanwhile. Prints JSON.
import fs from 'node:fs';
import path from 'node:path';
import { launch, startApp, openApp } from './helpers.mjs';

const dir = process.argv[2];
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.log')).map((f) => path.resolve(dir, f));
const browser = await launch();
const app = await startApp();
try {
  const { page } = await openApp(browser, app.url);
  // Read time: the same files through File.arrayBuffer(), in the page.
  await page.evaluate(() => {
    const i = document.createElement('input');
    i.type = 'file';
    i.multiple = true;
    i.id = 'bench-read';
    i.hidden = true;
    document.body.appendChild(i);
  });
  await page.setInputFiles('#bench-read', files);
  const readMs = await page.evaluate(async () => {
    const t = performance.now();
    for (const f of document.getElementById('bench-read').files) await f.arrayBuffer();
    return performance.now() - t;
  });
  await page.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((l) => window.longTasks.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
  });
  const t0 = Date.now();
  await page.setInputFiles('input[aria-label="Choose log files"]', files);
  await page.waitForSelector('[data-testid="verdict"]', { timeout: 600000 });
  const analyzeMs = Date.now() - t0;
  const longest = await page.evaluate(() => Math.max(0, ...window.longTasks));
  console.log(JSON.stringify({ read_s: readMs / 1000, analyze_s: analyzeMs / 1000, longest_task_ms: longest }));
} finally {
  await browser.close();
  await app.close();
}
