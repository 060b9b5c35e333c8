// The fleet page with Windows Update for Business reports exports (tests/fixtures/wufb) beside
// the bundles of tests/fixtures/bundles, dropped as a folder, as several files and inside a zip of
// bundles: the exports are no machine (the count is the bundles'), each alert stands beside the
// cause wulens found in its machine's logs as `wulens fleet --format json` joins it, the device
// with alerts and no logs is listed with what to collect, the damaged export is named with its
// line; a machine opens from its alert. No request after load; axe finds nothing serious.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, startApp, openApp, drop, file, waitForReport, countRequests, storedZip, artifact, FIXTURES, ROOT, seriousViolations } from './helpers.mjs';

const BIN = process.env.WULENS_BIN || path.join(ROOT, 'target/debug/wulens');
const BUNDLES = fs.readdirSync(path.join(FIXTURES, 'bundles')).filter((n) => n.endsWith('.zip')).sort();
const EXPORTS = fs.readdirSync(path.join(FIXTURES, 'wufb')).filter((n) => !n.endsWith('.md')).sort();

let browser;
let app;
let tmp;
let dir; // the bundles and the exports side by side
let cli; // `wulens fleet DIR --format json`

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wulens-wufb-e2e-'));
  dir = path.join(tmp, 'collected');
  fs.mkdirSync(dir);
  for (const n of BUNDLES) fs.copyFileSync(path.join(FIXTURES, 'bundles', n), path.join(dir, n));
  for (const n of EXPORTS) fs.copyFileSync(path.join(FIXTURES, 'wufb', n), path.join(dir, n));
  cli = JSON.parse(execFileSync(BIN, ['fleet', dir, '--format', 'json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  assert.equal(cli.machines, BUNDLES.length);
  browser = await launch();
  app = await startApp();
});

after(async () => {
  await browser?.close();
  await app?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function waitForFleet(page, machines) {
  await page.waitForSelector('.fleet-groups', { timeout: 60000 });
  assert.equal(await page.locator('#fleet-title').innerText(), `Fleet: ${machines} machines`);
}

/// The section as it lies on the page (the sticky top bar would cover an element's screenshot).
async function shot(page, name) {
  const box = await page.locator('section.fleet-wufb').evaluate((s) => { const r = s.getBoundingClientRect(); return { x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height }; });
  // The top bar stays at the top of the page while the section is shot.
  await page.evaluate(() => { document.querySelector('.topbar').style.position = 'static'; });
  await page.screenshot({ path: artifact(name), fullPage: true, clip: box });
  await page.evaluate(() => { document.querySelector('.topbar').style.position = ''; });
}

/// The section as the page shows it, checked against the CLI's `wufb`.
async function checkSection(page) {
  const w = cli.wufb;
  const section = page.locator('section.fleet-wufb');
  await section.waitFor();
  // After the shared causes (when there are any), before the root causes.
  const order = await page.evaluate(() => [...document.querySelectorAll('main.fleet > section')].map((s) => s.className));
  assert.ok(order.indexOf('fleet-wufb') >= 0 && order.indexOf('fleet-wufb') < order.indexOf('fleet-groups'), order.join(' '));
  if (order.includes('fleet-shared')) assert.ok(order.indexOf('fleet-shared') < order.indexOf('fleet-wufb'), order.join(' '));

  // Each joined alert beside its machine's cause: the CLI's, by alert id.
  const joined = w.alerts.filter((a) => a.machine);
  assert.ok(joined.length >= 2, 'the fixtures join alerts by name and by Entra id');
  const rows = section.locator('table.wufb-alerts tbody tr');
  assert.equal(await rows.count(), joined.length);
  for (const a of joined) {
    const row = section.locator(`table.wufb-alerts tr[data-alert="${a.alert_id}"]`);
    assert.equal(await row.getAttribute('data-machine'), a.machine);
    assert.equal(await row.getAttribute('data-joined-by'), a.joined_by);
    const text = await row.innerText();
    assert.ok(text.includes(a.from), `${a.alert_id}: ${a.from} in ${text}`);
    assert.ok(text.includes(a.alert_subtype), text);
    assert.ok(text.includes(a.joined_by === 'entra_id' ? 'by Entra device id' : 'by name'), text);
    if (a.error_code) {
      assert.ok(text.includes(a.error_code), text);
      assert.ok(text.includes(a.error_symbol), `the code named from the knowledge base: ${text}`);
    }
    const log = row.locator('td.wufb-log');
    const logText = await log.innerText();
    if (a.log.finding_title) assert.ok(logText.includes(a.log.finding_title), `${a.machine}: ${a.log.finding_title} in ${logText}`);
    if (a.log.finding) assert.ok(!text.includes(a.log.finding), `never the raw finding id ${a.log.finding}`);
    if (a.log.failed_at) assert.ok(logText.includes(a.log.failed_at), logText);
    if (a.log.root_code) assert.ok(logText.includes(a.log.root_code), logText);
    assert.equal(await log.locator('.badge').getAttribute('class'), `badge ${a.log.status}`);
  }
  const intune02 = section.locator('tr[data-machine="PC-INTUNE02"]').first();
  assert.match(await intune02.innerText(), /0x80072EE2[\s\S]*ERROR_WINHTTP_TIMEOUT/);
  assert.equal(await section.locator('tr[data-joined-by="entra_id"]').first().getAttribute('data-machine'), 'PC-INTUNE01');

  // The device with alerts and no logs, with what to collect (core's words and commands).
  assert.deepEqual(await section.locator('.wufb-device').evaluateAll((ds) => ds.map((d) => d.dataset.device)), w.without_logs.map((d) => d.device));
  const nologs = section.locator('.wufb-device[data-device="PC-NOLOGS07"]');
  const d = w.without_logs.find((x) => x.device === 'PC-NOLOGS07');
  assert.ok(d, 'the CLI lists PC-NOLOGS07 without logs');
  assert.match(await nologs.innerText(), new RegExp(`PC-NOLOGS07: ${d.alerts} alerts, ${d.active} active`));
  assert.match(await nologs.locator('.wufb-advice').innerText(), /^Collect the logs of PC-NOLOGS07: run wulens collect on it/);
  assert.equal(await nologs.locator('.wufb-advice code').first().innerText(), 'wulens collect');
  await nologs.locator('summary').click();
  const items = await nologs.locator('.wufb-collect li').evaluateAll((ls) => ls.map((l) => [l.dataset.artifact, l.querySelector('code').textContent]));
  assert.deepEqual(items, d.collect.map((c) => [c.artifact, c.command]));

  // The damaged export: named with its line, the others read.
  assert.equal(w.problems.length, 1);
  const problem = section.locator('.wufb-problem');
  assert.equal(await problem.count(), 1);
  assert.equal(await problem.getAttribute('data-file'), 'wufb-cut-short.json');
  assert.ok((await problem.innerText()).includes(w.problems[0].problem), await problem.innerText());
  assert.match(w.problems[0].problem, /^wufb-cut-short\.json: line \d+/);
  const exportsText = await section.locator('.wufb-exports').innerText();
  for (const x of w.exports) assert.ok(exportsText.includes(`${x.file} (${x.table}`), exportsText);

  // Each client update status beside the machine's own ledger state.
  const statuses = await section.locator('table.wufb-status tbody tr').evaluateAll((rs) => rs.map((r) => `${r.dataset.device}|${r.dataset.kb}|${r.dataset.logState}`));
  assert.deepEqual(statuses, w.statuses.map((s) => `${s.device}|${s.kb}|${s.log_state}`));
  assert.ok(statuses.length >= 2);
}

test('a folder of bundles with exports: the exports are no machine, each alert beside its machine\'s cause', async () => {
  const { page, context, problems } = await openApp(browser, app.url, { viewport: { width: 1280, height: 900 } });
  const requests = countRequests(page);
  await page.setInputFiles('input[aria-label="Choose a log folder"]', dir);
  await waitForFleet(page, BUNDLES.length);
  await checkSection(page);
  const section = page.locator('section.fleet-wufb');
  await shot(page, 'fleet-wufb-light.png');

  // A machine opens from its alert, as from the machines table, and the way back keeps the section.
  await section.locator('tr[data-machine="PC-INTUNE02"] button.machine-open').first().click();
  await waitForReport(page);
  assert.match(await page.locator('.summary .source').innerText(), /PC-INTUNE02/);
  await page.click('.fleet-back a');
  await waitForFleet(page, BUNDLES.length);
  await page.locator('section.fleet-wufb').waitFor();
  assert.deepEqual(requests, [], 'no request after load');
  assert.deepEqual(problems, []);
  await context.close();
});

test('inside a zip of bundles and as several files: the same section; without exports, none', async () => {
  const { page, context, problems } = await openApp(browser, app.url);
  const requests = countRequests(page);
  const all = [...BUNDLES.map((n) => ['bundles', n]), ...EXPORTS.map((n) => ['wufb', n])];
  const outer = storedZip(all.map(([d, n]) => ({ name: `collected/${n}`, data: fs.readFileSync(path.join(FIXTURES, d, n)) })));
  await drop(page, [file('collected.zip', outer)]);
  await waitForFleet(page, BUNDLES.length);
  await checkSection(page);

  await page.goto(app.url + '#/');
  await drop(page, all.map(([d, n]) => file(n, fs.readFileSync(path.join(FIXTURES, d, n)))));
  await waitForFleet(page, BUNDLES.length);
  await checkSection(page);

  // The bundles alone: the fleet as before, and no empty panel.
  await page.goto(app.url + '#/');
  await drop(page, BUNDLES.map((n) => file(n, fs.readFileSync(path.join(FIXTURES, 'bundles', n)))));
  await waitForFleet(page, BUNDLES.length);
  assert.equal(await page.locator('section.fleet-wufb').count(), 0);
  assert.deepEqual(requests, []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the section has no serious or critical accessibility violations', async () => {
  for (const scheme of ['light', 'dark']) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: scheme, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(app.url);
    await page.waitForSelector('#app[data-worker="ready"]', { timeout: 30000 });
    await page.setInputFiles('input[aria-label="Choose a log folder"]', dir);
    await waitForFleet(page, BUNDLES.length);
    await page.locator('.wufb-device summary').first().click();
    if (scheme === 'dark') await shot(page, 'fleet-wufb-dark.png');
    const violations = await seriousViolations(page, 'section.fleet-wufb');
    assert.deepEqual(violations, [], scheme);
    await context.close();
  }
});
