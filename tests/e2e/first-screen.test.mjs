// The first screen for five kinds of drop (real logs read in place from ../shared/reallogs, and a
// ConfigMgr fixture bundle): the verdict is at most three sentences in about 300 characters and
// says whether the machine is failing now; the badge is worded for what was dropped (never
// "Scan ..." without a ConfigMgr client log, which alone shows the client scan flow). A
// screenshot of each first screen at 1280x800 goes to artifacts/. Where the real logs are
// absent, their four drops are skipped (and said so).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { sharedApp, openApp, waitForReport, artifact, ROOT, realLog, needsRealLogs } from './helpers.mjs';

const shared = sharedApp();

const FIXTURES = path.join(ROOT, 'tests/fixtures');

// What was dropped, the badges that fit it, and whether the ConfigMgr scan flow belongs.
const DROPS = [
  { kind: 'windows-update', real: true, files: () => [realLog('10_WindowsUpdate.log')], badges: ['Updates failing', 'Failed earlier'], flow: false },
  { kind: 'cbs', real: true, files: () => [realLog('more/43_CBS.log')], badges: ['Servicing failed'], flow: false },
  { kind: 'dism', real: true, files: () => [realLog('hold1/06_dism.log')], badges: ['Servicing failed'], flow: false },
  { kind: 'setup', real: true, files: () => [realLog('more/55_setupact.log')], badges: ['Setup failed', 'Upgrade rolled back'], flow: false },
  {
    kind: 'configmgr',
    files: () => fs.readdirSync(path.join(FIXTURES, 'fail-step3-proxy-407/logs')).map((n) => path.join(FIXTURES, 'fail-step3-proxy-407/logs', n)),
    badges: ['Scan failed'],
    flow: true,
  },
];

function sentences(t) {
  return (t.match(/[.?!…](?= [A-Z]|$)/g) || []).length || 1;
}

for (const d of DROPS) {
  test(`the first screen of a ${d.kind} drop: failing now or not, in three sentences, its own badge`, d.real ? needsRealLogs() : {}, async () => {
    const { page, context, problems } = await openApp(shared.browser, shared.app.url, { viewport: { width: 1280, height: 800 } });
    await page.setInputFiles('input[aria-label="Choose log files"]', d.files());
    await waitForReport(page);
    const verdict = await page.getByTestId('verdict').innerText();
    const badge = await page.getByTestId('badge').innerText();
    assert.ok(verdict.length <= 301, `${verdict.length} characters: ${verdict}`);
    assert.ok(sentences(verdict) <= 3, `${sentences(verdict)} sentences: ${verdict}`);
    assert.match(verdict.split('. ')[0], /failing now|Not failing now|No failure in these logs| failed|These logs show no/, verdict);
    assert.ok(d.badges.includes(badge), `badge ${badge} for a ${d.kind} drop`);
    assert.equal(await page.locator('[data-testid="no-configmgr-flow"]').count(), d.flow ? 0 : 1);
    if (!d.flow) assert.doesNotMatch(badge, /Scan/);
    // The verdict is on the first screen, above the fold.
    const box = await page.getByTestId('verdict').boundingBox();
    assert.ok(box && box.y + box.height <= 800, `the verdict ends at ${box && box.y + box.height}px`);
    await page.screenshot({ path: artifact(`first-screen-${d.kind}.png`) });
    assert.deepEqual(problems, []);
    await context.close();
  });
}
