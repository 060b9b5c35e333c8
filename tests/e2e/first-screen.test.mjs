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

// The ConfigMgr chain on the first screen: one line of links in order, each with its state, and
// below it each link with its sentence and lines; a link that fails or waits is open.
const fixtureFiles = (name) => fs.readdirSync(path.join(FIXTURES, name, 'logs')).map((n) => path.join(FIXTURES, name, 'logs', n));

test('the first screen says where the ConfigMgr chain stands, link by link, and the site its own', async () => {
  const { page, context, problems } = await openApp(shared.browser, shared.app.url, { viewport: { width: 1280, height: 800 } });
  await page.setInputFiles('input[aria-label="Choose log files"]', fixtureFiles('chain-content-fails'));
  await waitForReport(page);
  const strip = page.getByTestId('chain-strip');
  const links = await strip.locator('[data-link]').evaluateAll((els) => els.map((e) => `${e.dataset.link}=${e.dataset.state}`));
  assert.deepEqual(links, ['site_assignment=not_in_logs', 'policy=ok', 'scan=not_in_logs', 'deployment=ok', 'content=failed', 'window=not_in_logs', 'install=not_reached', 'restart=not_reached']);
  const box = await strip.boundingBox();
  assert.ok(box && box.y + box.height <= 800, `the chain's line ends at ${box && box.y + box.height}px`);
  // The failing link is open below, with its sentence and its DataTransferService.log line.
  const content = page.locator('section.chain li[data-link="content"]');
  assert.notEqual(await content.locator('details').getAttribute('open'), null);
  assert.match(await content.innerText(), /1 content failed to download \(0x87D0027E\)[\s\S]*DataTransferService\.log:10/);
  // Log text is text: the evidence is not read as HTML.
  assert.equal(await page.locator('section.chain script, section.chain img').count(), 0);

  assert.deepEqual(problems, []);
  await context.close();
});

test("a site server's logs get the site's chain, their own badge, and no client configuration", async () => {
  const { page, context, problems } = await openApp(shared.browser, shared.app.url, { viewport: { width: 1280, height: 800 } });
  await page.setInputFiles('input[aria-label="Choose log files"]', fixtureFiles('chain-sup-replicas-fail'));
  await waitForReport(page);
  assert.equal(await page.getByTestId('badge').innerText(), 'Software update point sync failed');
  const site = await page.getByTestId('chain-strip').locator('[data-link]').evaluateAll((els) => els.map((e) => `${e.dataset.link}=${e.dataset.state}`));
  assert.deepEqual(site, ['wsus_config=failed', 'wsus_health=ok', 'site_sync=ok', 'server_sync=failed']);
  assert.equal(await page.locator('section.config').count(), 0);
  await page.screenshot({ path: artifact('first-screen-site-chain.png') });
  assert.deepEqual(problems, []);
  await context.close();
});
