// Delivery Optimization's log as admins save Get-DeliveryOptimizationLog
// (tests/fixtures/delivery-optimization): dropped under names that say nothing, each shape is
// known by its content in the files table, the failed job's code has its error card, and the
// viewer's rows carry the codes. No network request after load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { sharedApp, openApp, waitForReport, countRequests, drop, file, FIXTURES } from './helpers.mjs';

const shared = sharedApp();
const DIR = path.join(FIXTURES, 'delivery-optimization');

test('Delivery Optimization log text: detected, the failed job explained, records as rows', async () => {
  const { page, context, problems } = await openApp(shared.browser, shared.app.url);
  const requests = countRequests(page);
  const files = [['do-setcontent.log', 'one.txt'], ['do-formatlist.log', 'two.txt'], ['do-export.csv', 'three.txt']]
    .map(([from, name]) => file(name, fs.readFileSync(path.join(DIR, from))));
  await drop(page, files);
  await waitForReport(page);
  for (const name of ['one.txt', 'two.txt', 'three.txt']) {
    const format = await page.locator(`tr[data-file="${name}"] td[data-format]`).getAttribute('data-format');
    assert.equal(format, 'delivery_optimization', name);
  }
  assert.match(await page.locator('tr[data-file="two.txt"]').innerText(), /Delivery Optimization log/);
  // The job paused with no progress: its code leads an error card that names it.
  const card = page.locator('article.error-card[data-code="0x80D02002"]');
  assert.match(await card.innerText(), /DO_E_DOWNLOAD_NO_PROGRESS/);
  assert.match(await page.locator('main').innerText(), /Delivery Optimization download/);
  // The viewer's rows, with the codes in view.
  await page.goto(shared.app.url + '#/log');
  await page.waitForSelector('.row[data-line]');
  assert.match(await page.locator('.codes-in-view').innerText(), /0x80D02002/);
  assert.deepEqual(requests, []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a job the agent\'s WindowsUpdate.log names is counted once, with the line that names it', async () => {
  const { page, context, problems } = await openApp(shared.browser, shared.app.url);
  const requests = countRequests(page);
  const dir = path.join(FIXTURES, 'delivery-optimization-agent');
  await drop(page, ['DeliveryOptimization.log', 'WindowsUpdate.log'].map((f) => file(f, fs.readFileSync(path.join(dir, f)))));
  await waitForReport(page);
  const main = await page.locator('main').innerText();
  assert.match(main, /Windows Update: 2 downloads: 1 failed/);
  assert.match(main, /1 of 2 downloads failed/);
  // The failed job says which of the agent's calls it served, and links to that line.
  const served = page.locator('[data-testid="op-served"]');
  assert.ok((await served.count()) >= 1);
  assert.match(await served.first().innerText(), /WindowsUpdate\.log:\d+/);
  assert.deepEqual(requests, []);
  assert.deepEqual(problems, []);
  await context.close();
});
