// Windows event logs (.evtx, real ones read in place from ../shared/reallogs/evidence): a
// System.evtx dropped alone gives its verdict (a Store app's install failed while AppXSVC
// crashed), its files-table row counts every record although its header is stale, and its
// events are viewer rows with their codes. No network request after load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { sharedApp, openApp, waitForReport, countRequests, REALLOGS, needsRealLogs } from './helpers.mjs';

const shared = sharedApp();

const EVIDENCE = REALLOGS && path.join(REALLOGS, 'evidence');

test('a System.evtx dropped alone: verdict, every record, viewer rows', needsRealLogs(), async () => {
  const { page, context, problems } = await openApp(shared.browser, shared.app.url);
  const requests = countRequests(page);
  await page.setInputFiles('input[aria-label="Choose log files"]', [path.join(EVIDENCE, '65_System.evtx')]);
  await waitForReport(page);
  const verdict = await page.getByTestId('verdict').innerText();
  assert.match(verdict, /0x80073CF9/, verdict);
  assert.match(await page.locator('main').innerText(), /AppXSVC|AppX Deployment Service/);
  // 299 records, 155 of them past the stale header's count.
  const row = await page.locator('tr[data-file="65_System.evtx"]').innerText();
  assert.match(row, /\b299\b/, row);
  await page.goto(shared.app.url + '#/log');
  await page.waitForSelector('.row[data-line]');
  assert.match(await page.locator('.codes-in-view').innerText(), /0x80073CF9/);
  assert.deepEqual(requests, []);
  assert.deepEqual(problems, []);
  await context.close();
});
