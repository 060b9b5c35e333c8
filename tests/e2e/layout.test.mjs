// The layout with the longest real log (../shared/reallogs, read in place, never copied into the
// project): no horizontal page scroll on the report, the viewer and the fleet page at 1280 and
// 420 px wide; evidence lines keep their text readable beside or below file:line; the viewer's
// tools fit two rows at 1280x800 and its codes panel folds. Skipped where the real logs are not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sharedApp, openApp, waitForReport, artifact, REALLOGS, needsRealLogs } from './helpers.mjs';

const shared = sharedApp();

/// Every real log under the folder, largest first.
function realLogs() {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.log$/i.test(e.name)) out.push(p);
    }
  };
  walk(REALLOGS);
  return out.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
}

/// How far the page scrolls sideways (0: it does not), and what sticks out when it does.
async function overflow(page) {
  return page.evaluate(() => {
    const doc = document.documentElement;
    const over = doc.scrollWidth - doc.clientWidth;
    const wide = over > 0 ? [...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > doc.clientWidth + 1).slice(0, 5).map((e) => `${e.tagName}.${e.className}`) : [];
    return { over, wide };
  });
}

async function noSideScroll(page, what) {
  const o = await overflow(page);
  if (o.over > 0) await page.screenshot({ path: artifact(`layout-${what}.png`), fullPage: true });
  assert.equal(o.over, 0, `${what} scrolls sideways by ${o.over}px: ${o.wide.join(', ')}`);
}

for (const width of [1280, 420]) {
  test(`no horizontal scroll at ${width}px: report, viewer, fleet (the longest real log)`, needsRealLogs(), async () => {
    const [longest, second] = realLogs();
    const { page, context, problems } = await openApp(shared.browser, shared.app.url, { viewport: { width, height: 800 } });
    await page.setInputFiles('input[aria-label="Choose log files"]', [longest]);
    await waitForReport(page);
    await noSideScroll(page, `report-${width}`);
    // Evidence text is never squeezed beside its place: at least 20 characters to a line.
    const narrowest = await page.evaluate(() => Math.min(...[...document.querySelectorAll('.evidence .text')].map((e) => e.getBoundingClientRect().width)));
    const ch = await page.evaluate(() => { const s = document.createElement('span'); s.className = 'text'; s.style.fontFamily = 'var(--mono)'; s.style.fontSize = '13px'; s.textContent = '0'.repeat(20); document.body.append(s); const w = s.getBoundingClientRect().width; s.remove(); return w; });
    assert.ok(narrowest >= ch, `an evidence text is ${narrowest}px wide, under 20 characters (${ch}px)`);
    if (width === 1280) await page.screenshot({ path: artifact('layout-report-1280.png') });

    await page.goto(shared.app.url + '#/log');
    await page.waitForSelector('.row[data-line]');
    await noSideScroll(page, `viewer-${width}`);
    if (width === 1280) {
      // The tools above the grid: the filter bar and one more row (no chips set).
      const rows = await page.evaluate(() => {
        const tops = [...document.querySelectorAll('.tools button, .tools input, .tools select, .tools summary, .tools .count')]
          .filter((e) => e.checkVisibility()).map((e) => e.getBoundingClientRect()).filter((r) => r.height > 0 && r.bottom < document.querySelector('.viewer-body').getBoundingClientRect().top).map((r) => r.top + r.height / 2).sort((x, y) => x - y);
        return tops.filter((t, i) => i === 0 || t - tops[i - 1] > 16).length;
      });
      assert.ok(rows <= 2, `the viewer's tools take ${rows} rows`);
      const before = await page.locator('.viewer .list').evaluate((e) => e.clientWidth);
      await page.click('.codes-in-view .fold');
      await page.waitForSelector('.codes-in-view.collapsed');
      const after = await page.locator('.viewer .list').evaluate((e) => e.clientWidth);
      assert.ok(after > before + 100, `folding the codes panel widens the list (${before} → ${after})`);
      await page.screenshot({ path: artifact('layout-viewer-1280.png') });
      await page.click('.codes-in-view .fold');
      await page.waitForSelector('.codes-in-view:not(.collapsed)');
    }

    // Two machines' bundles as the collect commands name them: the fleet names them after it.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wulens-layout-'));
    try {
      const zips = [['PC-LONG', longest], ['SRV-2', second]].map(([name, log]) => {
        const zip = path.join(tmp, `wulens-${name}-2026-11-25.zip`);
        execFileSync('zip', ['-q', '-j', zip, log]);
        return zip;
      });
      await page.goto(shared.app.url + '#/');
      await page.setInputFiles('input[aria-label="Choose log files"]', zips);
      await page.waitForSelector('.fleet-machines tr[data-machine]', { timeout: 120000 });
      const names = await page.locator('tr[data-machine]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-machine')).sort());
      assert.deepEqual(names, ['PC-LONG', 'SRV-2']);
      assert.doesNotMatch(await page.locator('main.fleet').innerText(), /Show these 1\b|\b[a-z]+_[a-z_]+\b/);
      await noSideScroll(page, `fleet-${width}`);
      if (width === 1280) await page.screenshot({ path: artifact('layout-fleet-1280.png') });
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    assert.deepEqual(problems, []);
    await context.close();
  });
}
