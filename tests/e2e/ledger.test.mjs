// The Updates panel (the report's ledger), on real event logs read in place from
// ../shared/reallogs/evidence: one machine's WindowsUpdateClient/Operational channel (downloads)
// and its Setup.evtx (installs) give one row per update; KB5020683 fails with 0x800F0984 and
// leads, the filter shows it alone, its steps open the viewer at their lines. No network request
// after load. Skipped, and said so, where the real logs are absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { sharedApp, openApp, waitForReport, countRequests, artifact, REALLOGS, needsRealLogs } from './helpers.mjs';

const shared = sharedApp();

const EVIDENCE = REALLOGS && path.join(REALLOGS, 'evidence');

test('the Updates panel: a row per update, the failing one first, filters, lines', needsRealLogs(), async () => {
  const { page, context, problems } = await openApp(shared.browser, shared.app.url, { viewport: { width: 1280, height: 900 } });
  const requests = countRequests(page);
  await page.setInputFiles('input[aria-label="Choose log files"]', [
    path.join(EVIDENCE, '60_Microsoft-Windows-WindowsUpdateClient%4Operational.evtx'),
    path.join(EVIDENCE, '61_Setup.evtx'),
  ]);
  await waitForReport(page);
  assert.ok(['Servicing failed', 'Updates failing'].includes(await page.getByTestId('badge').innerText()));
  assert.match(await page.getByTestId('verdict').innerText(), /KB5020683\)? is failing: its latest install failed with 0x800F0984/);
  const ledger = page.getByTestId('ledger');
  await ledger.scrollIntoViewIfNeeded();
  const rows = ledger.locator('.ledger-row');
  // Failing first; KB5046613's download (60) and install (61) are one row.
  assert.equal(await rows.first().getAttribute('data-state'), 'failing');
  assert.match(await rows.first().innerText(), /KB5020683[\s\S]*0x800F0984/);
  assert.equal(await ledger.locator('.ledger-row', { hasText: 'KB5046613' }).count(), 1);
  const lcu = ledger.locator('.ledger-row', { hasText: 'KB5046613' });
  assert.equal(await lcu.getAttribute('data-state'), 'done');
  assert.equal(await lcu.locator('.lane').count(), 1, 'one lane: both are event logs');
  await page.screenshot({ path: artifact('ledger.png'), fullPage: false });
  // The filter keeps the failing row alone.
  await ledger.getByRole('button', { name: /^Failing \(1\)/ }).click();
  assert.equal(await rows.count(), 1);
  // A step's line opens the viewer there.
  await rows.first().locator('.decisive a').click();
  await page.waitForSelector('.row[data-line]');
  assert.match(page.url(), /#\/log/);
  assert.deepEqual(requests, []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an update whose end these logs do not show names the log that would, with its command', needsRealLogs(), async () => {
  const { page, context, problems } = await openApp(shared.browser, shared.app.url, { viewport: { width: 1280, height: 900 } });
  const requests = countRequests(page);
  // The Operational channel alone shows KB5046613 downloaded: its install is not in it.
  await page.setInputFiles('input[aria-label="Choose log files"]', [path.join(EVIDENCE, '60_Microsoft-Windows-WindowsUpdateClient%4Operational.evtx')]);
  await waitForReport(page);
  const row = page.getByTestId('ledger').locator('.ledger-row', { hasText: 'KB5046613' });
  assert.equal(await row.getAttribute('data-state'), 'unknown');
  await row.locator('details summary').click();
  assert.equal(await row.locator('.would-tell').innerText(), 'These logs do not say how it ended: the Windows Update traces would.');
  assert.match(await row.locator('details').innerText(), /Copy-Item "\$env:windir\\Logs\\WindowsUpdate"/);
  assert.deepEqual(requests, []);
  assert.deepEqual(problems, []);
  await context.close();
});
