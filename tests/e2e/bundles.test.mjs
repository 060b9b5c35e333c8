// Bundles as admins' collectors write them (tests/fixtures/bundles, after Microsoft's documented
// layouts): Intune's Collect diagnostics zip dropped as it is opens as one machine, with a
// verdict; the files table says where in the zip (and in the cab inside it) each file was; the
// configuration shows the Intune update ring; the ring's pause is a finding. No network request
// after load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { sharedApp, openApp, waitForReport, countRequests, FIXTURES } from './helpers.mjs';

const shared = sharedApp();
const INTUNE = 'DiagLogs-PC-INTUNE01-20261120T101500Z.zip';

test('an Intune diagnostics zip: one machine, where each file came from, the update ring', async () => {
  const { page, context, problems } = await openApp(shared.browser, shared.app.url);
  const requests = countRequests(page);
  await page.setInputFiles('input[aria-label="Choose log files"]', [path.join(FIXTURES, 'bundles', INTUNE)]);
  await waitForReport(page);
  // One machine: no fleet page, no "several machines" notice.
  assert.equal(await page.locator('[data-testid="machines-notice"], .machines-notice').count(), 0);
  assert.ok((await page.getByTestId('verdict').innerText()).length > 20);
  // The files table: the member paths inside the zip and inside the cab it holds.
  const files = page.locator('section.files');
  const xml = files.locator('tr', { hasText: 'MDMDiagReport.xml' });
  assert.match(await xml.innerText(), /MDM diagnostics report/);
  const from = await xml.locator('.from').innerText();
  assert.match(from, /in mdmlogs-2026-11-20-10-15-00\.cab/, from);
  assert.equal(await xml.locator('.from').getAttribute('data-bundle'),
    `${INTUNE}/(52) FoldersFiles temp_MDMDiagnostics_mdmlogs-2026-11-20-10-15-00_cab/mdmlogs-2026-11-20-10-15-00.cab`);
  const cbs = await files.locator('tr', { hasText: 'cbs.log' }).locator('.from').innerText();
  assert.match(cbs, /in DiagLogs-PC-INTUNE01-20261120T101500Z\.zip › \(56\) FoldersFiles windir_logs_CBS_cbs_log/, cbs);
  // The configuration: the registry export and netsh output inside the zip, and the ring.
  const card = page.locator('section.config');
  assert.equal(await card.getAttribute('data-provided'), 'true');
  const text = await card.innerText();
  assert.match(text, /Intune update ring\s+set by Microsoft Intune/);
  assert.match(text, /Quality updates deferred \(days\)\s+7/);
  assert.match(text, /Quality updates paused\s+2026-11-02 \(from 2026-11-02 to 2026-12-06\)/);
  assert.match(text, /Pause access \(SetDisablePauseUXAccess\)\s+1 \(users may not pause\)/);
  assert.match(text, /WinHTTP proxy\s+direct access/);
  // The pause is a finding whose evidence opens the report's line in the viewer.
  const f = page.locator('.finding[data-finding="config_ring_paused"]');
  assert.match(await f.innerText(), /pauses quality updates from 2026-11-02 to 2026-12-06/);
  await f.locator('.evidence a.where', { hasText: 'MDMDiagReport.xml' }).first().click();
  await page.waitForSelector('.row.selected');
  assert.match(await page.locator('.row.selected').innerText(), /PauseQualityUpdatesStartTime/);
  assert.deepEqual(requests, []);
  assert.deepEqual(problems, []);
  await context.close();
});
