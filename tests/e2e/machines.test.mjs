// A drop of two machines' logs (a Windows 7 WindowsUpdate.log and a Windows 10 one, real logs
// read in place from ../shared/reallogs): the page says so before the verdict, and offers the
// fleet page (one row per machine) and one machine at a time (its files analysed alone, from
// the drop kept in the page: nothing dropped again). No network request after load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { sharedApp, openApp, waitForReport, countRequests, REALLOGS, needsRealLogs } from './helpers.mjs';

const shared = sharedApp();

const TWO = REALLOGS ? ['08_WindowsUpdate.log', '10_WindowsUpdate.log'].map((n) => path.join(REALLOGS, n)) : [];

async function dropTwo() {
  const { page, context, problems } = await openApp(shared.browser, shared.app.url);
  const requests = countRequests(page);
  await page.setInputFiles('input[aria-label="Choose log files"]', TWO);
  await waitForReport(page);
  return { page, context, problems, requests };
}

test('a drop of two machines says so before the verdict', needsRealLogs(), async () => {
  const { page, context, problems, requests } = await dropTwo();
  const notice = page.getByTestId('machines-notice');
  assert.match(await notice.innerText(), /2 machines/);
  const [n, v] = [await notice.boundingBox(), await page.getByTestId('verdict').boundingBox()];
  assert.ok(n.y + n.height <= v.y, `the notice (${n.y}+${n.height}) comes before the verdict (${v.y})`);
  assert.ok(n.y + n.height <= 800, 'the notice is on the first screen');
  // Both ways on are buttons, one per machine for the picker, each reachable by keyboard.
  assert.equal(await page.getByTestId('open-machine').count(), 2);
  for (const b of await page.locator('.machines-notice button').all()) {
    await b.focus();
    assert.ok(await b.evaluate((el) => el === document.activeElement));
  }
  assert.deepEqual(requests, []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('"Open as a fleet" shows the two machines as fleet rows', needsRealLogs(), async () => {
  const { page, context, problems, requests } = await dropTwo();
  await page.getByTestId('open-as-fleet').focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('table.machines tbody tr', { timeout: 60000 });
  await page.waitForFunction(() => document.querySelectorAll('table.machines tbody tr').length === 2);
  assert.match(await page.locator('#fleet-title').innerText(), /2 machines/);
  // A row opens that machine's own report: one machine, no notice.
  await page.locator('table.machines tbody tr').first().locator('button, a').first().click();
  await waitForReport(page);
  await page.waitForFunction(() => !document.querySelector('[data-testid="machines-notice"]'));
  assert.doesNotMatch(await page.getByTestId('verdict').innerText(), /machines/);
  assert.deepEqual(requests, []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('one machine at a time: each machine of the drop analysed alone', needsRealLogs(), async () => {
  const { page, context, problems, requests } = await dropTwo();
  const labels = await page.getByTestId('open-machine').evaluateAll((bs) => bs.map((b) => b.dataset.machine));
  assert.equal(labels.length, 2);
  const verdicts = [];
  for (const label of labels) {
    // From the notice first, then from the bar above the other machine's report.
    await page.locator(`[data-testid="open-machine"][data-machine="${label}"]`).press('Enter');
    await page.waitForFunction(
      (l) => !document.querySelector('[data-testid="machines-notice"]') && document.querySelector('main.report[data-complete]') && document.querySelector('.summary .source')?.textContent.includes(l),
      label,
      { timeout: 60000 },
    );
    const verdict = await page.getByTestId('verdict').innerText();
    assert.doesNotMatch(verdict, /machines/, verdict);
    assert.match(await page.locator('.summary .facts').innerText(), /^1 file/);
    assert.match(await page.getByTestId('machine-switch').innerText(), /one of 2 machines/);
    verdicts.push(verdict);
  }
  assert.notEqual(verdicts[0], verdicts[1], 'two machines, two verdicts');
  // All together again, from the drop the page kept.
  await page.getByTestId('all-machines').click();
  await page.waitForSelector('[data-testid="machines-notice"]', { timeout: 60000 });
  assert.deepEqual(requests, []);
  assert.deepEqual(problems, []);
  await context.close();
});
