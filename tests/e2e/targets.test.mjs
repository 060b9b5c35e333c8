// The first screen's links: the updates failing or stalled now link to their rows in the Updates
// panel, and the error-code chips to their cards, without leaving the report (an in-page `#id`
// would be read as a route). In the viewer, the first F3 lands on the failing update's line. The
// landing page lists every input it reads. Real event logs are read in place from
// ../shared/reallogs/evidence (skipped, and said so, where they are absent). No network request after load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { sharedApp, openApp, waitForReport, countRequests, artifact, REALLOGS, needsRealLogs } from './helpers.mjs';

const shared = sharedApp();

const EVIDENCE = REALLOGS && path.join(REALLOGS, 'evidence');

const inView = (locator) => locator.evaluate((el) => {
  const r = el.getBoundingClientRect();
  return r.top > -2 && r.top < window.innerHeight;
});

test('the first screen links the failing update to its row; chips keep the report; F3 goes there first', needsRealLogs(), async () => {
  const { page, context, problems } = await openApp(shared.browser, shared.app.url, { viewport: { width: 1280, height: 800 } });
  const requests = countRequests(page);
  // The landing page says what it reads: every log kind, traces and bundles.
  const reads = page.getByTestId('reads');
  await reads.locator('summary').click();
  const list = await reads.innerText();
  for (const name of ['ScanAgent.log', 'WindowsUpdate.log', 'CBS.log', 'setupact.log', '.etl', 'MDMDiagReport.xml']) assert.ok(list.includes(name), name);
  await page.setInputFiles('input[aria-label="Choose log files"]', [
    path.join(EVIDENCE, '60_Microsoft-Windows-WindowsUpdateClient%4Operational.evtx'),
    path.join(EVIDENCE, '61_Setup.evtx'),
  ]);
  await waitForReport(page);
  const links = page.getByTestId('target-links').locator('a');
  assert.equal(await links.count(), 1, 'one update fails now');
  assert.match(await links.first().innerText(), /KB5020683 · failing/);
  await page.screenshot({ path: artifact('target-links.png') });
  await links.first().click();
  assert.equal(new URL(page.url()).hash, '#/report', 'the report stays');
  const row = page.locator('#update-kb5020683');
  await page.waitForFunction(() => { const r = document.querySelector('#update-kb5020683')?.getBoundingClientRect(); return r && r.top > -2 && r.top < window.innerHeight; });
  assert.ok(await inView(row));
  // An error-code chip scrolls to its card, on the report.
  await page.evaluate(() => window.scrollTo(0, 0));
  const chip = page.locator('.code-chip').first();
  const code = (await chip.locator('.code').innerText()).trim();
  await chip.click();
  assert.equal(new URL(page.url()).hash, '#/report');
  await page.waitForFunction((c) => { const r = document.getElementById(`error-${c}`)?.getBoundingClientRect(); return r && r.top > -2 && r.top < window.innerHeight; }, code);
  assert.equal(await page.getByTestId('verdict').count(), 1);
  // In the viewer, the first F3 lands on the failing update's line (an event, not only an error).
  await page.goto(`${shared.app.url}#/log`);
  await page.waitForSelector('.row[data-line]');
  await page.keyboard.press('F3');
  await page.waitForSelector('.row.selected');
  assert.match(await page.locator('.row.selected .c-text').innerText(), /KB5020683|0x800f0984/i);
  assert.deepEqual(requests, []);
  assert.deepEqual(problems, []);
  await context.close();
});
