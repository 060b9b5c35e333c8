// The fleet page: a generated fleet (cargo xtask gen-fleet: zips made of the fixture scenarios,
// with a manifest of what each machine is) dropped as a folder, as a zip of zips and as several
// zips. The page's root-cause groups must match the manifest exactly (every scenario whole in one
// group, each group exactly its scenarios' machines) and the CLI's `wulens fleet` on the same
// folder; the table sorts and filters; a machine opens its own report and comes back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, startApp, openApp, drop, file, waitForReport, countRequests, storedZip, ROOT, seriousViolations } from './helpers.mjs';

// 50 machines: PC-0050 is the generator's damaged bundle (every 50th).
const COUNT = 50;

let browser;
let app;
let tmp;
let fleetDir;
let scenarioOf; // machine -> scenario, from the generator's manifest
let cliRows; // `wulens fleet --format ndjson` on the same folder

const cargo = (args) => execFileSync('cargo', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
// The CLI ./dev test built (with the page in it): `cargo run -p wulens-cli` would build it again
// without the page, under the same path, and the serve tests after this one would find no page.
const BIN = process.env.WULENS_BIN || path.join(ROOT, 'target/debug/wulens');
const wulens = (args) => execFileSync(BIN, args, { encoding: 'utf8', maxBuffer: 64 << 20 });

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wulens-fleet-e2e-'));
  fleetDir = path.join(tmp, 'fleet');
  cargo(['run', '-q', '-p', 'xtask', '--', 'gen-fleet', '--out', fleetDir, '--count', String(COUNT), '--seed', '19']);
  scenarioOf = Object.fromEntries(fs.readFileSync(path.join(fleetDir, 'fleet.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')));
  assert.equal(Object.keys(scenarioOf).length, COUNT);
  cliRows = wulens(['fleet', '--format', 'ndjson', fleetDir]).trim().split('\n').map((l) => JSON.parse(l));
  browser = await launch();
  app = await startApp();
});

after(async () => {
  await browser?.close();
  await app?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const bundleNames = () => fs.readdirSync(fleetDir).filter((n) => n.endsWith('.zip')).sort();

/// The groups as `wulens fleet` makes them: failed machines by (where, code, finding), largest first.
function expectedGroups(rows) {
  const groups = new Map();
  for (const r of rows.filter((r) => r.status === 'failed')) {
    const key = JSON.stringify([r.failed_at, r.root_code, r.finding]);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(r.machine);
  }
  return [...groups.entries()]
    .map(([k, m]) => ({ cause: JSON.parse(k), machines: m.sort() }))
    .sort((a, b) => b.machines.length - a.machines.length || (a.cause.join('\u0000') < b.cause.join('\u0000') ? -1 : 1));
}

/// Every group on the page with all its machines (read by clicking the group: the table shows them).
async function pageGroups(page) {
  const out = [];
  const n = await page.locator('.group').count();
  for (let i = 0; i < n; i++) {
    const g = page.locator(`.group[data-group="${i}"]`);
    const cause = [await g.getAttribute('data-failed-at'), await g.getAttribute('data-root-code'), await g.getAttribute('data-finding')];
    const count = Number(await g.getAttribute('data-count'));
    await g.locator('button').click();
    await page.waitForFunction((c) => document.querySelector('[data-testid=fleet-count]').textContent.startsWith(`${c} of`), count);
    const machines = (await page.locator('table.machines tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.machine))).sort();
    assert.equal(machines.length, count, `group ${i}: ${cause}`);
    out.push({ cause, machines });
    await g.locator('button').click(); // off again
  }
  return out;
}

async function waitForFleet(page, machines) {
  await page.waitForSelector('.fleet-groups', { timeout: 60000 });
  assert.equal(await page.locator('#fleet-title').innerText(), `Fleet: ${machines} machines`);
}

test('a dropped folder of bundles: groups match the manifest, sort, filter, a machine opens and comes back', async () => {
  const { page, context, problems } = await openApp(browser, app.url);
  const requests = countRequests(page);
  await page.setInputFiles('input[aria-label="Choose a log folder"]', fleetDir);
  await waitForFleet(page, COUNT);
  assert.match(page.url(), /#\/fleet$/);

  // Status counts: the manifest's unreadable bundle, its healthy scans, and the CLI's counts.
  const counts = Object.fromEntries(await page.locator('.status-count').evaluateAll((bs) => bs.map((b) => [b.dataset.status, Number(b.querySelector('.n').textContent)])));
  const machinesOf = (s) => Object.keys(scenarioOf).filter((m) => scenarioOf[m] === s);
  assert.equal(counts.unreadable, machinesOf('unreadable').length);
  assert.ok(counts.unreadable >= 1);
  assert.ok(counts.ok >= machinesOf('scan-success').length);
  for (const s of ['failed', 'ok', 'incomplete', 'no_scan', 'unreadable']) {
    assert.equal(counts[s], cliRows.filter((r) => r.status === s).length, `status ${s}`);
  }

  // The groups: each scenario whole in one group, each group exactly its scenarios' machines,
  // and the same groups, in the same order, as `wulens fleet`.
  const groups = await pageGroups(page);
  assert.deepEqual(groups, expectedGroups(cliRows));
  for (const g of groups) {
    const scenarios = new Set(g.machines.map((m) => scenarioOf[m]));
    const fromManifest = Object.keys(scenarioOf).filter((m) => scenarios.has(scenarioOf[m])).sort();
    assert.deepEqual(g.machines, fromManifest, `group ${g.cause} holds exactly the machines of ${[...scenarios]}`);
  }
  for (let i = 1; i < groups.length; i++) assert.ok(groups[i - 1].machines.length >= groups[i].machines.length, 'largest group first');
  const proxy = groups.find((g) => g.machines.some((m) => scenarioOf[m] === 'fail-step3-proxy-407'));
  assert.ok(proxy, 'the proxy scenario is in the fleet');
  assert.match(proxy.cause[0], /^ConfigMgr scan step 3/);
  assert.equal(proxy.cause[1], '0x8024401B');
  const proxyGroup = page.locator('.group', { has: page.locator('a.code', { hasText: '0x8024401B' }) }).first();
  assert.match(await proxyGroup.innerText(), /WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ/);

  // Sorting: by lines, ascending then descending, from the keyboard; aria-sort follows.
  const lines = () => page.locator('table.machines tbody tr td:nth-child(8)').evaluateAll((cs) => cs.map((c) => Number(c.textContent.replace(/,/g, ''))));
  await page.locator('th[data-column="lines"] button').focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('th[data-column="lines"][aria-sort="ascending"]');
  let l = await lines();
  assert.equal(l.length, COUNT);
  assert.deepEqual(l, [...l].sort((a, b) => a - b));
  assert.ok(l[0] < l[l.length - 1]);
  await page.keyboard.press('Enter');
  await page.waitForSelector('th[data-column="lines"][aria-sort="descending"]');
  l = await lines();
  assert.deepEqual(l, [...l].sort((a, b) => b - a));
  assert.equal(await page.locator('th[aria-sort]').count(), 1);
  assert.match(page.url(), /sort=lines/);

  // Filtering: by text, by status.
  await page.fill('.fleet-filter', 'PC-0007');
  await page.waitForFunction(() => document.querySelector('[data-testid=fleet-count]')?.textContent.startsWith('1 of'));
  assert.deepEqual(await page.locator('table.machines tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.machine)), ['PC-0007']);
  await page.fill('.fleet-filter', '');
  await page.selectOption('.fleet-status-filter', 'unreadable');
  await page.waitForFunction((n) => document.querySelector('[data-testid=fleet-count]').textContent.startsWith(`${n} of`), counts.unreadable);
  const bad = page.locator('table.machines tbody tr[data-machine="PC-0050"]');
  assert.match(await bad.innerText(), /zip/i, 'the unreadable bundle says why');
  await page.selectOption('.fleet-status-filter', '');

  // A machine of the proxy group opens its own report; back returns to the fleet as it was.
  const machine = proxy.machines[0];
  await page.fill('.fleet-filter', machine);
  await page.locator(`tr[data-machine="${machine}"] .machine-open`).click();
  await waitForReport(page);
  assert.match(await page.getByTestId('verdict').innerText(), /0x8024401B/);
  assert.match(await page.locator('.summary .source').innerText(), new RegExp(machine));
  await page.goto(app.url + '#/log');
  await page.waitForSelector('.row[data-line]');
  await page.goto(app.url + '#/report');
  await page.click('.fleet-back a');
  await waitForFleet(page, COUNT);
  await page.waitForSelector('th[data-column="lines"][aria-sort="descending"]');
  assert.equal(await page.inputValue('.fleet-filter'), machine, 'the filter came back with the fleet');
  assert.equal(await page.locator('.group').count(), groups.length);

  assert.deepEqual(requests, [], 'no request after load');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a zip of zips is a fleet, its machines open from inside it; several zips are a fleet; one zip is a report', async () => {
  const { page, context, problems } = await openApp(browser, app.url);
  const requests = countRequests(page);
  const names = bundleNames();
  const outer = storedZip([...names.map((n) => ({ name: `fleet/${n}`, data: fs.readFileSync(path.join(fleetDir, n)) })), { name: 'fleet/fleet.csv', data: fs.readFileSync(path.join(fleetDir, 'fleet.csv')) }]);
  await drop(page, [file('fleet.zip', outer)]);
  await waitForFleet(page, COUNT);
  const sizes = await page.locator('.group').evaluateAll((gs) => gs.map((g) => Number(g.dataset.count)));
  assert.deepEqual(sizes, expectedGroups(cliRows).map((g) => g.machines.length));
  const ok = cliRows.find((r) => r.status === 'ok' && r.configmgr_scan).machine;
  await page.fill('.fleet-filter', ok);
  await page.locator(`tr[data-machine="${ok}"] .machine-open`).click();
  await waitForReport(page);
  assert.equal(await page.locator('.summary .badge').innerText(), 'Scan completed');
  assert.ok(await page.locator('section.files tbody tr').count() >= 1);

  // Three zips dropped together: three machines.
  await page.goto(app.url + '#/');
  await drop(page, names.slice(0, 3).map((n) => file(n, fs.readFileSync(path.join(fleetDir, n)))));
  await waitForFleet(page, 3);
  // One zip alone: that machine's report, as before.
  await page.goto(app.url + '#/');
  await drop(page, [file(names[0], fs.readFileSync(path.join(fleetDir, names[0])))]);
  await waitForReport(page);
  assert.deepEqual(requests, []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the folder and a zip of it are the same machines, the CLI\'s; the zip\'s directory is read once, its bytes about once', async () => {
  const { page, context, problems } = await openApp(browser, app.url);
  const requests = countRequests(page);
  const machines = () => page.locator('table.machines tbody tr').evaluateAll((rs) => rs.map((r) => `${r.dataset.machine} ${r.dataset.status}`).sort());
  await page.setInputFiles('input[aria-label="Choose a log folder"]', fleetDir);
  await waitForFleet(page, COUNT);
  const fromFolder = await machines();
  assert.deepEqual(fromFolder, cliRows.map((r) => `${r.machine} ${r.status}`).sort());
  assert.equal(await page.locator('#app').getAttribute('data-zip-opens'), null, 'a folder is no zip');

  // The same folder in one zip, deflated as Explorer writes it (python's zipfile), chosen with
  // the files button: the drop plan lists it, and its machines are read out of it in place.
  const zipPath = path.join(tmp, 'fleet.zip');
  execFileSync('python3', ['-c', `import os, sys, zipfile
d = sys.argv[1]
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
    for root, _, files in sorted(os.walk(d)):
        for f in sorted(files):
            p = os.path.join(root, f)
            z.write(p, os.path.relpath(p, os.path.dirname(d)))`, fleetDir, zipPath]);
  const cliZip = wulens(['fleet', '--format', 'ndjson', zipPath]).trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(cliZip.map((r) => `${r.machine} ${r.status}`).sort(), fromFolder, 'the CLI reads the zip as the same fleet');
  await page.goto(app.url + '#/');
  await page.setInputFiles('input[aria-label="Choose log files"]', zipPath);
  await waitForFleet(page, COUNT);
  assert.deepEqual(await machines(), fromFolder);
  assert.equal(await page.locator('#app').getAttribute('data-zip-opens'), '1', 'listed once, every machine read through that directory');
  const read = Number(await page.locator('#app').getAttribute('data-zip-read'));
  assert.ok(read > 0.9 && read < 1.5, `the zip's bytes read about once: ${read} times its size`);
  // A machine opens from inside the zip, through the same directory.
  const ok = cliRows.find((r) => r.status === 'ok' && r.configmgr_scan).machine;
  await page.fill('.fleet-filter', ok);
  await page.locator(`tr[data-machine="${ok}"] .machine-open`).click();
  await waitForReport(page);
  assert.equal(await page.locator('.summary .badge').innerText(), 'Scan completed');
  assert.deepEqual(requests, []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a long fleet shows machines done of the total, and cancel stops it', async () => {
  const big = path.join(tmp, 'big');
  cargo(['run', '-q', '-p', 'xtask', '--', 'gen-fleet', '--out', big, '--count', '600', '--seed', '3']);
  const { page, context, problems } = await openApp(browser, app.url);
  await page.setInputFiles('input[aria-label="Choose a log folder"]', big);
  // Before the worker names its first machine the panel says it is starting; then it names each.
  await page.waitForFunction(() => /Analysing PC-\d+ \(machine \d+ of 600\)/.test(document.querySelector('.progress-panel')?.textContent || ''));
  assert.match(await page.locator('.progress-panel').innerText(), /\d+ of 600 machines done/);
  await page.click('.progress-panel button:has-text("Cancel")');
  await page.waitForSelector('.progress-panel', { state: 'detached' });
  await page.waitForTimeout(500);
  assert.equal(await page.locator('.fleet-groups').count(), 0, 'the cancelled fleet does not open');
  // The worker is free again: a sample analyses at once.
  await page.click('button:has-text("broken scan")');
  await waitForReport(page);
  assert.deepEqual(problems, []);
  await context.close();
});

test('what failing machines share and the compliance matrix: the CLI\'s, with their machines one click away', async () => {
  const summary = JSON.parse(wulens(['fleet', '--format', 'json', fleetDir]));
  const want = summary.groups.flatMap((g) => g.shared.map((x) => `${x.attribute}|${x.value}|${x.in_group} of ${x.group}`));
  assert.ok(want.length > 0, 'the generated fleet plants a shared server (Group Policy pointing at an old WSUS)');
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const requests = countRequests(page);
  await page.goto(app.url);
  await page.waitForSelector('#app[data-worker="ready"]', { timeout: 30000 });
  await page.setInputFiles('input[aria-label="Choose a log folder"]', fleetDir);
  await waitForFleet(page, COUNT);
  const before = requests.length;
  // The section comes before the root causes.
  const order = await page.evaluate(() => [...document.querySelectorAll('main.fleet > section')].map((s) => s.className));
  assert.ok(order.indexOf('fleet-shared') < order.indexOf('fleet-groups'), order.join(' '));
  const got = await page.locator('.shared-cause .contrast').evaluateAll((ps) => ps.map((p) => {
    const m = p.textContent.match(/^(\d+) of (\d+) /);
    return `${p.dataset.attribute}|${p.dataset.value}|${m[1]} of ${m[2]}`;
  }));
  assert.deepEqual(got.sort(), want.sort());
  // Each says what to look at and names machines with the line that proves it.
  const first = page.locator('.shared-cause').first();
  assert.match(await first.locator('h3').innerText(), /^The (server|proxy|update) /);
  assert.match(await first.locator('.contrast').first().innerText(), /Fisher's exact test, p = .*: look at /);
  assert.ok((await first.locator('svg[role=img]').count()) + (await first.getByText('not in their logs').count()) === 1, 'a chart of when they began to fail, or why not');
  // A machine opens from the cause, and its group filters the table.
  const group = Number(await first.getAttribute('data-group'));
  const size = summary.groups[group].machines.length;
  await first.getByRole('button', { name: `Show these ${size} machines` }).click();
  await page.waitForFunction((c) => document.querySelector('[data-testid=fleet-count]').textContent.startsWith(`${c} of`), size);
  // The compliance matrix: the CLI's counts per update and state; a cell filters the table to its machines.
  const states = ['failing', 'stalled', 'running', 'waiting', 'pending_restart', 'done', 'unknown', 'not_seen'];
  const wantMatrix = summary.compliance.slice(0, 15).map((u) => [u.update, ...states.map((st) => u.cells.filter((c) => c.state === st).reduce((n, c) => n + c.count, 0))].join('|'));
  const gotMatrix = await page.locator('table.compliance tbody tr').evaluateAll((rs, sts) => rs.map((r) => [r.dataset.update, ...sts.map((st) => Number(r.querySelector(`td[data-state="${st}"]`)?.dataset.count || 0))].join('|')), states);
  assert.ok(wantMatrix.length > 0, 'the fleet names updates');
  assert.deepEqual(gotMatrix, wantMatrix);
  const u0 = summary.compliance[0];
  const c0 = u0.cells[0];
  const n0 = u0.cells.filter((c) => c.state === c0.state).reduce((n, c) => n + c.count, 0);
  await page.locator(`table.compliance tr[data-update="${u0.update}"] td[data-state="${c0.state}"] button`).click();
  await page.waitForFunction((c) => document.querySelector('[data-testid=fleet-count]').textContent.startsWith(`${c} of`), n0);
  const inCell = await page.locator('table.machines tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.machine));
  assert.ok(c0.machines.every((m) => inCell.includes(m)), `${c0.machines} in ${inCell}`);
  await page.locator('.cell-chip button').click();
  await page.locator(`.shared-cause[data-group="${group}"]`).getByRole('button', { name: `Show these ${size} machines` }).waitFor();
  const name = await first.locator('button.machine-open').first().innerText();
  assert.ok(summary.groups[group].machines.includes(name), name);
  await first.locator('button.machine-open').first().click();
  await waitForReport(page);
  assert.equal(requests.length, before, `no request after load: ${requests.slice(before).join(', ')}`);
  await context.close();
});

test('the fleet page has no serious or critical accessibility violations', async () => {
  for (const scheme of ['light', 'dark']) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: scheme, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(app.url);
    await page.waitForSelector('#app[data-worker="ready"]', { timeout: 30000 });
    await page.setInputFiles('input[aria-label="Choose a log folder"]', fleetDir);
    await waitForFleet(page, COUNT);
    const violations = () => seriousViolations(page);
    // Every machine's badge in the table (the "Scan completed" ones too), then a group selected.
    assert.ok(await page.locator('table.machines .badge.ok').count() > 0, 'machines whose scan completed are listed');
    assert.deepEqual(await violations(), [], `${scheme}, every machine`);
    await page.locator('.group[data-group="0"] button').click();
    assert.deepEqual(await violations(), [], `${scheme}, one group`);
    await context.close();
  }
});
