// Browser side of ./dev bench: in headless Chromium, the time wulens takes to analyse the files
// of a folder, the time File.arrayBuffer() takes to read the same files, and the longest task the
// page's main thread ran meanwhile. Prints JSON (medians of RUNS runs, each in a fresh page).
//
// Both times are taken in the page (performance.now()), so neither includes the test harness:
// the analysis runs from the file input's `change` event (the files are chosen) to the moment
// the verdict is in the document (a MutationObserver sees it), which is what a user waits for.
// The report is drawn in parts a frame apart: the time to the whole report is printed too, and
// long tasks are counted until a moment after it (its last layout included). Each run is the
// page's first analysis, started once the page says its worker is ready, which it does after
// warming its compiled code on the samples (crates/wasm/src/worker/warm.rs, `warm_up`; `warm_s` is how long
// that took): as a person who opened the page and then chose files.
import fs from 'node:fs';
import path from 'node:path';
import { launch, startApp, openApp, pickFiles } from './helpers.mjs';

const RUNS = 3;
const dir = process.argv[2];
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.log')).map((f) => path.resolve(dir, f));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function once(browser, url) {
  const { page, context } = await openApp(browser, url);
  try {
    const warmMs = Number(await page.locator('#app').getAttribute('data-warm-ms'));
    await pickFiles(page, files, 'bench-read');
    const readMs = await page.evaluate(async () => {
      const t = performance.now();
      for (const f of document.getElementById('bench-read').files) await f.arrayBuffer();
      return performance.now() - t;
    });
    await page.evaluate(() => {
      window.bench = { longTasks: [] };
      new PerformanceObserver((l) => window.bench.longTasks.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
      const input = document.querySelector('input[aria-label="Choose log files"]');
      input.addEventListener('change', () => { window.bench.chosen = performance.now(); }, { capture: true });
      const seen = new MutationObserver(() => {
        if (!window.bench.verdict && document.querySelector('[data-testid="verdict"]')) {
          window.bench.verdict = performance.now();
        }
        if (document.querySelector('main.report[data-complete]')) {
          window.bench.whole = performance.now();
          seen.disconnect();
        }
      });
      seen.observe(document.body, { childList: true, subtree: true });
    });
    await page.setInputFiles('input[aria-label="Choose log files"]', files);
    await page.waitForSelector('main.report[data-complete]', { timeout: 600000 });
    await page.waitForTimeout(300);
    const b = await page.evaluate(() => ({
      ms: window.bench.verdict - window.bench.chosen,
      wholeMs: window.bench.whole - window.bench.chosen,
      longest: Math.max(0, ...window.bench.longTasks),
    }));
    if (!(b.ms > 0 && b.wholeMs >= b.ms)) throw new Error('the change event, the verdict or the whole report was not seen');
    return { readMs, analyzeMs: b.ms, wholeMs: b.wholeMs, longest: b.longest, warmMs };
  } finally {
    await context.close();
  }
}

const browser = await launch();
const app = await startApp();
try {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await once(browser, app.url));
  console.log(JSON.stringify({
    read_s: median(runs.map((r) => r.readMs)) / 1000,
    analyze_s: median(runs.map((r) => r.analyzeMs)) / 1000,
    whole_s: median(runs.map((r) => r.wholeMs)) / 1000,
    longest_task_ms: median(runs.map((r) => r.longest)),
    warm_s: median(runs.map((r) => r.warmMs)) / 1000,
  }));
} finally {
  await browser.close();
  await app.close();
}
