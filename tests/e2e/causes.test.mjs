// What failing machines share, on a planted fleet (cargo xtask gen-fleet --plant: a server that
// broke on one day, one update failing, one proxy, and unrelated faults alike in a code only whose
// failures spread over days) dropped as a folder: the page shows the three real causes with
// exactly their machines, the server's day as its one change in time, and no card for the
// unrelated faults; the cards are the CLI's (`wulens fleet --format json` on the same folder).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, startApp, openApp, countRequests, waitForReport, artifact, ROOT } from './helpers.mjs';

const COUNT = 240;
const SEED = 29;

let browser;
let app;
let tmp;
let fleetDir;
let scenarioOf; // machine -> scenario, from the generator's manifest
let summary; // `wulens fleet --format json` on the same folder

const BIN = process.env.WULENS_BIN || path.join(ROOT, 'target/debug/wulens');

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wulens-causes-e2e-'));
  fleetDir = path.join(tmp, 'fleet');
  execFileSync('cargo', ['run', '-q', '-p', 'xtask', '--', 'gen-fleet', '--out', fleetDir, '--count', String(COUNT), '--seed', String(SEED), '--plant'], { cwd: ROOT, stdio: 'ignore' });
  scenarioOf = Object.fromEntries(fs.readFileSync(path.join(fleetDir, 'fleet.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')));
  summary = JSON.parse(execFileSync(BIN, ['fleet', '--format', 'json', fleetDir], { encoding: 'utf8', maxBuffer: 64 << 20 }));
  browser = await launch();
  app = await startApp();
});

after(async () => {
  await browser?.close();
  await app?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const machinesOf = (s) => Object.keys(scenarioOf).filter((m) => scenarioOf[m] === s).sort();

test('a planted fleet: the three real causes with their machines, one change in time, no card for unrelated faults', async () => {
  const { page, context, problems } = await openApp(browser, app.url, { viewport: { width: 1280, height: 1000 } });
  const requests = countRequests(page);
  await page.setInputFiles('input[aria-label="Choose a log folder"]', fleetDir);
  await page.waitForSelector('.fleet-groups', { timeout: 120000 });
  assert.equal(await page.locator('#fleet-title').innerText(), `Fleet: ${COUNT} machines`);
  const before = requests.length;

  // The cards: each with its group, its lead, its contrasts and whether it dates a change.
  const cards = await page.locator('.shared-cause').evaluateAll((ls) => ls.map((l) => ({
    group: Number(l.dataset.group),
    lead: l.querySelector('h3').textContent,
    contrasts: [...l.querySelectorAll('.contrast')].map((p) => `${p.dataset.attribute}|${p.dataset.value}`),
    onset: l.querySelector('.onset')?.textContent || null,
  })));
  await page.locator('.fleet-shared').screenshot({ path: artifact('causes-planted.png') });

  // The CLI's cards, no more: a group with a shared cause or a change in time.
  const want = summary.groups.map((g, i) => ({ g, i })).filter(({ g }) => g.shared.length || g.onset);
  assert.deepEqual(cards.map((c) => c.group), want.map(({ i }) => i));

  // The three real causes, each on exactly its planted machines.
  for (const [scenario, attribute, value, lead] of [
    ['planted-server', 'server', 'http://wsus02.contoso.com:8530', 'The server http://wsus02.contoso.com:8530'],
    ['planted-update', 'update', 'KB5044273', 'The update KB5044273'],
    ['planted-proxy', 'proxy', 'proxy07.contoso.com:8080', 'The proxy proxy07.contoso.com:8080'],
  ]) {
    const card = cards.find((c) => c.contrasts.includes(`${attribute}|${value}`));
    assert.ok(card, `${value} is shown`);
    assert.equal(card.lead, lead);
    assert.deepEqual([...summary.groups[card.group].machines].sort(), machinesOf(scenario), scenario);
    const n = machinesOf(scenario).length;
    const text = await page.locator(`.shared-cause[data-group="${card.group}"] .contrast[data-value="${value}"]`).innerText();
    assert.match(text, new RegExp(`^${n} of ${n} .*; 0 of the \\d+ other readable machines `), text);
  }

  // One change in time, the server's, with its window and its contrast.
  const dated = cards.filter((c) => c.onset);
  assert.equal(dated.length, 1, dated.map((c) => c.lead).join('; '));
  const server = machinesOf('planted-server');
  assert.ok(summary.groups[dated[0].group].machines.every((m) => server.includes(m)));
  assert.match(dated[0].onset, /^Every last success at or before 2026-11-17T13:[0-4]\d[^ ]* \(PC-\d+\), every first failure from 2026-11-17T14:\d\d[^ ]* \(PC-\d+\) to 2026-11-17T14:\d\d[^ ]* \(PC-\d+\): something changed in between\. The \d+ first failures fall within \d+ minutes of each other in logs of \d+ days \(by chance: [^)]+\); \d+ of the \d+ other readable machines seen across that time broke in it \(Fisher's exact test, p = /);
  const onset = page.locator(`.shared-cause[data-group="${dated[0].group}"] .onset`);
  assert.equal(Number(await onset.getAttribute('data-machines')), server.length);
  assert.ok(Number(await onset.getAttribute('data-others-with')) * 9 <= server.length, 'hardly another machine broke in the window');

  // No card is a change in time alone, and none holds an unrelated fault.
  assert.deepEqual(cards.filter((c) => c.lead === 'A change in time'), []);
  const unrelated = new Set(machinesOf('planted-unrelated'));
  const theirs = summary.groups.map((g, i) => ({ g, i })).filter(({ g }) => g.machines.some((m) => unrelated.has(m)));
  assert.ok(theirs.some(({ g }) => g.machines.length >= 3), 'the unrelated faults form groups of three or more');
  for (const { g, i } of theirs) {
    assert.equal(await page.locator(`.shared-cause[data-group="${i}"]`).count(), 0, `${g.cause.root_code}: no card`);
    // The group is still listed among the root causes, with all its machines.
    assert.equal(Number(await page.locator(`.group[data-group="${i}"]`).getAttribute('data-count')), g.machines.length);
  }

  // A machine of the change in time opens its report.
  const open = page.locator(`.shared-cause[data-group="${dated[0].group}"] button.machine-open`).first();
  const name = await open.innerText();
  assert.ok(server.includes(name), name);
  await open.click();
  await waitForReport(page);
  assert.equal(requests.length, before, `no request after load: ${requests.slice(before).join(', ')}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a fleet whose only failures are unrelated faults says no group shares anything', async () => {
  // The unrelated faults alone, with the machines that never failed: no card at all.
  const only = path.join(tmp, 'unrelated');
  fs.mkdirSync(only);
  const kept = Object.keys(scenarioOf).filter((m) => ['planted-unrelated', 'planted-server-ok'].includes(scenarioOf[m]));
  for (const m of kept) fs.copyFileSync(path.join(fleetDir, `${m}.zip`), path.join(only, `${m}.zip`));
  const cli = JSON.parse(execFileSync(BIN, ['fleet', '--format', 'json', only], { encoding: 'utf8', maxBuffer: 64 << 20 }));
  assert.ok(cli.groups.some((g) => g.machines.length >= 3), 'groups of unrelated faults');
  assert.ok(cli.groups.every((g) => !g.shared.length && !g.onset), 'the CLI gives them nothing');
  const { page, context, problems } = await openApp(browser, app.url);
  await page.setInputFiles('input[aria-label="Choose a log folder"]', only);
  await page.waitForSelector('.fleet-groups', { timeout: 120000 });
  assert.equal(await page.locator('.shared-cause').count(), 0);
  assert.match(await page.locator('.fleet-shared').innerText(), /No group of failing machines shares a server, a proxy, an update or a day/);
  await page.locator('.fleet-shared').screenshot({ path: artifact('causes-unrelated.png') });
  assert.deepEqual(problems, []);
  await context.close();
});
