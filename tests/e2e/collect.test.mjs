// What to collect: a report names the log that would settle what its logs leave open, with the
// command, and stops asking once that log is dropped; the "What to collect" page lists the
// client's script and, apart, what to run on the servers. No request after load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedApp, openApp, drop, fixtureFiles, waitForReport, countRequests } from './helpers.mjs';

const shared = sharedApp();

test('a DISM log alone asks for CBS.log with its command, and not once CBS.log is dropped', async () => {
  const { page, context, problems } = await openApp(shared.browser, shared.app.url);
  const requests = countRequests(page);
  await drop(page, fixtureFiles('cbs-corruption', ['dism.log']));
  await waitForReport(page);
  const section = page.getByTestId('collect-next');
  await section.waitFor();
  const text = await section.innerText();
  assert.match(text, /What to collect next/);
  assert.match(text, /CBS\.log/);
  assert.match(text, /Logs\\CBS\\CBS\.log/, 'the command to copy it');
  assert.ok(await section.locator('.evidence a.where').count() >= 1, 'the lines that leave it open');

  assert.deepEqual(requests, [], 'no request after load');
  assert.deepEqual(problems, []);
  await context.close();

  const both = await openApp(shared.browser, shared.app.url);
  await drop(both.page, fixtureFiles('cbs-corruption', ['dism.log', 'CBS.log']));
  await waitForReport(both.page);
  assert.equal(await both.page.getByTestId('collect-next').count(), 0, 'nothing left to collect for servicing');
  assert.deepEqual(both.problems, []);
  await both.context.close();
});

test('the What to collect page: one client script with the event logs, the servers apart', async () => {
  const { page, context, problems } = await openApp(shared.browser, shared.app.url + '#/collect');
  const script = await page.locator('pre.script').innerText();
  assert.match(script, /wevtutil epl System/);
  assert.match(script, /^New-Item/);
  assert.match(script, /Compress-Archive[^\n]*$/);
  assert.doesNotMatch(script, /Update Services\\LogFiles/, 'the WSUS server\'s command is not in the client script');
  const servers = await page.locator('main.collect').innerText();
  assert.match(servers, /On the servers[\s\S]*on the WSUS server[\s\S]*SoftwareDistribution\.log/);
  assert.deepEqual(problems, []);
  await context.close();
});
