// The page's small defects admins saw (issue 62, part 4), each checked where they saw it: the
// compliance matrix's KB numbers whole, "Scan completed" only for a ConfigMgr scan, one form of
// time in the Windows Update for Business section, no serious accessibility violation on any
// page in either colour scheme, every nav item on a phone, a drop of junk with a short verdict
// and its log read, random bytes called binary, and every skipped input named with why.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { launch, startApp, openApp, drop, file, waitForReport, countRequests, storedZip, artifact, FIXTURES, seriousViolations } from './helpers.mjs';

let browser;
let app;
let tmp;
let fleetDir;

const BUNDLES = fs.readdirSync(path.join(FIXTURES, 'bundles')).filter((n) => n.endsWith('.zip')).sort();
const EXPORTS = fs.readdirSync(path.join(FIXTURES, 'wufb')).filter((n) => !n.endsWith('.md')).sort();
const KB = 'KB5034441';
const CODES = ['80070643', '800F0922', '8024200B', '80073712', '800F081F', '80242016'];

/// A ReportingEvents.log where `KB` fails to install with `code` (the agent's own record).
function reportingEvents(code, i) {
  const title = `2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems (${KB})`;
  const guid = (n) => `{${String(n).padStart(8, '0')}-1111-2222-3333-444455556666}`;
  const at = (s) => `2026-11-17 10:${String(i).padStart(2, '0')}:${String(s).padStart(2, '0')}:000+0000`;
  return [
    `${guid(1)}\t${at(10)}\t1\t181 [AGENT_INSTALLING_STARTED]\t101\t${guid(9)}\t1\t0\tAutomaticUpdates\tSuccess\tContent Install\tInstallation Started: Windows has started installing the following update: ${title}\tgazngTG0N0OpTzVL.1.0.0.3.0\r\n`,
    `${guid(2)}\t${at(50)}\t1\t182 [AGENT_INSTALLING_FAILED]\t101\t${guid(9)}\t1\t${code}\tAutomaticUpdates\tFailure\tContent Install\tInstallation Failure: Windows failed to install the following update with error 0x${code}: ${title}.\tgazngTG0N0OpTzVL.1.0.0.3.0\r\n`,
  ].join('');
}

/// Bytes from a fixed-seed xorshift: the same "random" file on every run.
function noise(seed, len) {
  let x = BigInt(seed) * 0x9e3779b97f4a7c15n | 1n;
  const mask = (1n << 64n) - 1n;
  const out = Buffer.alloc(len);
  for (let i = 0; i < len; i++) {
    x ^= (x << 13n) & mask; x ^= x >> 7n; x ^= (x << 17n) & mask;
    out[i] = Number((x >> 24n) & 0xffn);
  }
  return out;
}

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wulens-polish-e2e-'));
  fleetDir = path.join(tmp, 'fleet');
  fs.mkdirSync(fleetDir);
  // The bundles and exports of the Windows Update for Business tests, machines failing one KB
  // each with its own code, a ConfigMgr client whose scan completed and a machine with only
  // Windows Update's own log, healthy.
  for (const n of BUNDLES) fs.copyFileSync(path.join(FIXTURES, 'bundles', n), path.join(fleetDir, n));
  for (const n of EXPORTS) fs.copyFileSync(path.join(FIXTURES, 'wufb', n), path.join(fleetDir, n));
  CODES.forEach((code, i) => fs.writeFileSync(path.join(fleetDir, `PC-KB${i}.zip`), storedZip([{ name: 'ReportingEvents.log', data: Buffer.from(reportingEvents(code, i)) }])));
  const scan = path.join(FIXTURES, 'scan-success/logs');
  fs.writeFileSync(path.join(fleetDir, 'PC-CM.zip'), storedZip(fs.readdirSync(scan).map((n) => ({ name: `CCM/Logs/${n}`, data: fs.readFileSync(path.join(scan, n)) }))));
  fs.writeFileSync(path.join(fleetDir, 'PC-WUONLY.zip'), storedZip([{ name: 'WindowsUpdate.log', data: fs.readFileSync(path.join(scan, 'WindowsUpdate.log')) }]));
  browser = await launch();
  app = await startApp();
});

after(async () => {
  await browser?.close();
  await app?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function openFleet(viewport, colorScheme = 'light', bypassCSP = false) {
  const context = await browser.newContext({ viewport, colorScheme, bypassCSP, serviceWorkers: 'block' });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await page.goto(app.url);
  await page.waitForSelector('#app[data-worker="ready"]', { timeout: 30000 });
  await page.setInputFiles('input[aria-label="Choose a log folder"]', fleetDir);
  await page.waitForSelector('.fleet-groups', { timeout: 120000 });
  await page.waitForSelector('table.compliance');
  return { page, context, problems };
}

test('the compliance matrix: a KB number never wraps, a cell\'s codes wrap between codes', async () => {
  for (const width of [1280, 900, 390]) {
    const { page, context, problems } = await openFleet({ width, height: 900 });
    const row = page.locator(`table.compliance tr[data-update="${KB}"]`);
    await row.waitFor();
    assert.equal(await row.locator('td[data-state="failing"]').getAttribute('data-count'), String(CODES.length));
    // Every update id and every "n × code" on one line, none cut.
    const broken = await page.locator('table.compliance').evaluate((t) => [...t.querySelectorAll('.update-id, .code-count')]
      .filter((e) => e.getClientRects().length !== 1 || e.scrollWidth > Math.ceil(e.getBoundingClientRect().width) + 1)
      .map((e) => `${e.textContent} (${e.getClientRects().length} lines, ${Math.round(e.getBoundingClientRect().width)}px)`));
    assert.deepEqual(broken, [], `at ${width}px`);
    // The update column is as wide as its KB number at least.
    const [col, id] = await row.evaluate((r) => [r.querySelector('th').getBoundingClientRect().width, r.querySelector('.update-id').getBoundingClientRect().width]);
    assert.ok(col >= id, `at ${width}px the update column is ${col}px for a ${id}px KB number`);
    if (width === 900) await row.screenshot({ path: artifact('polish-compliance-900.png') });
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('"Scan completed" only for a ConfigMgr client scan; Windows Update\'s own searches found "No failure"', async () => {
  const { page, context, problems } = await openFleet({ width: 1280, height: 900 });
  const badge = (m) => page.locator(`table.machines tr[data-machine="${m}"] .badge`).innerText();
  assert.equal(await badge('PC-CM'), 'Scan completed');
  assert.equal(await badge('PC-WUONLY'), 'No failure');
  // Some machines with no failure had no ConfigMgr scan: their count is not called a scan.
  assert.equal(await page.locator('.status-count[data-status="ok"] span:not(.n)').innerText(), 'No failure');
  // The Intune machine beside its alerts: its logs are Windows Update's own.
  const intune = page.locator('table.wufb-alerts tr[data-machine="PC-INTUNE01"] .wufb-log .badge').first();
  assert.equal(await intune.innerText(), 'No failure');
  assert.doesNotMatch(await page.locator('section.fleet-wufb').innerText(), /Scan completed/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the Windows Update for Business section writes every time one way', async () => {
  const { page, context, problems } = await openFleet({ width: 1280, height: 900 });
  const section = page.locator('section.fleet-wufb');
  const times = await section.evaluate((s) => [...s.querySelectorAll('table.wufb-alerts td:nth-child(2) .small, table.wufb-status td:nth-child(3)')].map((e) => e.textContent).filter((t) => /\d{4}|\d\/\d/.test(t)));
  assert.ok(times.length >= 3, times.join(' | '));
  for (const t of times) {
    assert.match(t, /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/, t);
    assert.doesNotMatch(t, /\d+\/\d+\/\d{4}|[AP]M\b|\dT\d|\dZ\b/, t);
  }
  // From the CSV export (the portal's `11/19/2026, 3:05:00 PM`) and from the JSON (`...T09:00:00Z`) alike.
  assert.ok(times.some((t) => t.includes('2026-11-02 09:00:00 UTC')), times.join(' | '));
  await section.screenshot({ path: artifact('polish-wufb-times.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('axe-core: no serious or critical violation on any page, light and dark', async () => {
  // The fixture's Delivery Optimization job that pauses on an error, cancelled without one instead.
  const doLog = fs.readFileSync(path.join(FIXTURES, 'delivery-optimization/do-setcontent.log'), 'utf8').replace('_InternalTraceDownloadPaused} hr = 80d02002,', '_InternalTraceDownloadCanceled} hr = 0,');
  const doLogs = [file('do-setcontent.log', doLog)];
  for (const scheme of ['light', 'dark']) {
    const found = {};
    {
      const { page, context } = await openFleet({ width: 1280, height: 900 }, scheme, true);
      found.fleet = await seriousViolations(page);
      await context.close();
    }
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: scheme, bypassCSP: true, serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.goto(app.url);
    await page.waitForSelector('#app[data-worker="ready"]', { timeout: 30000 });
    found.landing = await seriousViolations(page);
    // A report with a cancelled outcome (a Delivery Optimization job cancelled) among the others.
    await drop(page, doLogs);
    await waitForReport(page);
    await page.locator('.outcome.cancelled').first().waitFor({ state: 'attached' });
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
    found.report = await seriousViolations(page);
    if (scheme === 'light') await page.locator('.outcome.cancelled').first().screenshot({ path: artifact('polish-cancelled-light.png') });
    await page.goto(app.url + '#/log');
    await page.waitForSelector('.row[data-line]');
    found.viewer = await seriousViolations(page);
    await page.goto(app.url + '#/kb/0x8024401B');
    await page.waitForSelector('.entry');
    found.kb = await seriousViolations(page);
    await page.goto(app.url + '#/collect');
    await page.waitForSelector('h1');
    found.collect = await seriousViolations(page);
    for (const [where, v] of Object.entries(found)) assert.deepEqual(v, [], `${scheme} ${where}`);
    await context.close();
  }
});

test('at 390 px every item of the top navigation is on screen and can be clicked', async () => {
  const { page, context, problems } = await openApp(browser, app.url, { viewport: { width: 390, height: 844 } });
  const offScreen = () => page.locator('nav[aria-label="Main"] a').evaluateAll((as) => as
    .filter((a) => {
      const r = a.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return r.left < 0 || r.right > innerWidth || !(hit === a || a.contains(hit));
    })
    .map((a) => a.textContent));
  assert.deepEqual(await offScreen(), [], 'the landing page');
  // With a report, the nav holds two more items.
  await page.click('button:has-text("broken scan")');
  await waitForReport(page);
  assert.equal(await page.locator('nav[aria-label="Main"] a').count(), 5);
  assert.deepEqual(await offScreen(), [], 'with a report');
  await page.evaluate(() => scrollTo(0, 0));
  await page.screenshot({ path: artifact('polish-nav-390.png'), clip: { x: 0, y: 0, width: 390, height: 160 } });
  // One line: the long names in their short form, each still named in full for assistive tech.
  const bar = await page.locator('.topbar').boundingBox();
  assert.ok(bar.height <= 52, `top bar ${bar.height}px`);
  await page.getByRole('link', { name: 'What to collect' }).click();
  await page.waitForSelector('h1:has-text("What to collect")');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a drop of junk: a short verdict that counts it, the log in it read, every skipped input named with why', async () => {
  const { page, context, problems } = await openApp(browser, app.url);
  const requests = countRequests(page);
  const cbs = '2024-05-31 16:45:56, Info                  CBS    Starting TrustedInstaller initialization.\r\n'
    + "2024-05-31 16:45:57, Error                 CBS    Failed to resolve package 'Package_for_KB5034441~31bf3856ad364e35~amd64~~19041.3920.1.4' [HRESULT = 0x800f0922 - CBS_E_INSTALLERS_FAILED]\r\n";
  const members = [
    ...Array.from({ length: 20 }, (_, i) => ({ name: `junk/blob${String(i).padStart(2, '0')}.dat`, data: noise(i + 1, 4096) })),
    { name: 'junk/bom-only.log', data: Buffer.from([0xef, 0xbb, 0xbf]) },
    { name: 'Windows/Logs/CBS/CBS.log', data: Buffer.from(cbs) },
  ];
  await drop(page, [file('junk.zip', storedZip(members)), file('random.log', noise(99, 1 << 20))]);
  await waitForReport(page);
  const verdict = await page.locator('[data-testid="verdict"]').innerText();
  assert.match(verdict, /22 inputs hold nothing to read: 21 are not logs \(binary content\), 1 is empty; the files list them/);
  assert.doesNotMatch(verdict, /blob\d\d/);
  assert.ok(verdict.length < 600, `${verdict.length} characters: ${verdict}`);
  // The CBS.log is read: its error is on the page.
  assert.equal(await page.locator('.error-card[data-code="0x800F0922"]').count(), 1);
  // Random bytes named like a log are binary, not 4,000 lines of text.
  const random = page.locator('section.files tr[data-file="random.log"]');
  assert.equal(await random.locator('td[data-format]').getAttribute('data-format'), 'binary');
  // Every file not read is named with why.
  const unread = await page.locator('section.files tbody tr').evaluateAll((rs) => rs
    .filter((r) => ['binary', 'empty'].includes(r.querySelector('td[data-format]').dataset.format))
    .map((r) => [r.dataset.file, r.querySelector('.note')?.textContent || '']));
  assert.equal(unread.length, 22);
  for (const [name, why] of unread) assert.match(why, /is not a text log \(binary content\)|is empty/, name);
  assert.ok(unread.some(([n, why]) => n.endsWith('bom-only.log') && /nothing after its byte-order mark/.test(why)));
  assert.deepEqual(requests, []);
  assert.deepEqual(problems, []);
  await context.close();
});
