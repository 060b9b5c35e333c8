// End-to-end: drop logs on the page and read what a person would read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { sharedApp, openApp, drop, fixtureFiles, file, waitForReport, countRequests, ROOT, realLog, needsRealLogs } from './helpers.mjs';

const shared = sharedApp();

async function ready(url = shared.app.url) {
  const s = await openApp(shared.browser, url);
  await s.page.waitForSelector('#app[data-worker="ready"]', { timeout: 30000 });
  return s;
}

test('the worker warms its compiled code on the samples before it says it is ready', async () => {
  const { page, context, problems } = await ready();
  // A number of ms: the warm-up ran through every sample and did not fail.
  assert.match(String(await page.locator('#app').getAttribute('data-warm-ms')), /^\d+$/);
  // And the session it used is gone: the first analysis is of the dropped logs only.
  await drop(page, fixtureFiles('scan-success'));
  await waitForReport(page);
  assert.deepEqual(await page.locator('tr[data-file]').evaluateAll((rows) => rows.map((r) => r.dataset.file).sort()), fs.readdirSync(path.join(ROOT, 'tests/fixtures/scan-success/logs')).sort());
  assert.deepEqual(problems, []);
  await context.close();
});

test('a dropped fixture shows its detected format, encoding and line counts', async () => {
  const { page, context, problems } = await ready();
  await drop(page, fixtureFiles('encodings', ['WUAHandler-utf16le-bom.log', 'notes-cp1252.txt', 'WindowsUpdate.etl']));
  await waitForReport(page);
  const row = (name) => page.locator(`tr[data-file="${name}"]`);
  assert.equal(await row('WUAHandler-utf16le-bom.log').locator('td[data-format]').getAttribute('data-format'), 'cmtrace');
  assert.match(await row('WUAHandler-utf16le-bom.log').innerText(), /utf-16le-bom/);
  assert.match(await row('notes-cp1252.txt').innerText(), /windows-1252/);
  // The .etl is explained, not silently dropped.
  assert.match(await row('WindowsUpdate.etl').innerText(), /Get-WindowsUpdateLog/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the failed step, a code card with mitigation, evidence into the viewer, filters, Markdown export, no network', async () => {
  const { page, context, problems } = await ready();
  const requests = countRequests(page);
  await drop(page, fixtureFiles('fail-step3-proxy-407'));
  await waitForReport(page);

  // The verdict names the failed step and the code.
  const verdict = await page.getByTestId('verdict').innerText();
  assert.match(verdict, /failed at step 3/);
  assert.match(verdict, /0x8024401B/);
  assert.equal(await page.locator('.stepper .step[data-step="3"]').getAttribute('data-status'), 'failed');
  assert.equal(await page.locator('.stepper .step[data-step="2"]').getAttribute('data-status'), 'ok');
  assert.equal(await page.locator('.stepper .step[data-step="4"]').getAttribute('data-status'), 'not_reached');
  // The failed step's guidance is open.
  assert.ok(await page.locator('.step[data-step="3"] .guidance').isVisible());

  // The code card explains and says what to do, with the command as a command.
  const card = page.locator('.error-card[data-code="0x8024401B"]');
  assert.match(await card.innerText(), /WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ/);
  assert.match(await card.locator('.mitigation').innerText(), /What to do/);
  assert.ok(await card.locator('.command code', { hasText: 'netsh winhttp show proxy' }).count() > 0);

  // Evidence line → the viewer, at that line of that file.
  const link = page.locator('.step[data-step="3"] .evidence a.where').last();
  const target = await link.innerText(); // e.g. "WUAHandler.log:9"
  await link.click();
  await page.waitForSelector('.row.selected');
  const sel = page.locator('.row.selected').first();
  const [name, line] = target.split(':');
  assert.equal(await sel.getAttribute('data-line'), line);
  assert.match(await sel.innerText(), new RegExp(name.replace('.', '\\.')));

  // Filtering: errors only, then text.
  await page.click('.sev-toggles button.error');
  await page.waitForFunction(() => /^\d+ of \d+ lines/.test(document.querySelector('[data-testid=row-count]').textContent));
  const errorsOnly = await page.getByTestId('row-count').innerText();
  const [shown, total] = errorsOnly.match(/[\d,]+/g).map((n) => Number(n.replace(/,/g, '')));
  assert.ok(shown > 0 && shown < total, errorsOnly);
  assert.ok((await page.locator('.row[data-severity]').evaluateAll((rs) => rs.every((r) => r.dataset.severity === 'error'))));
  await page.fill('.filter-text', 'Exit code = 0x8024401B');
  await page.waitForFunction(() => document.querySelector('[data-testid=row-count]')?.textContent.startsWith('1 of'));
  // The count comes first; the row itself is a placeholder until its text arrives from the worker.
  await page.waitForSelector('.viewer .list .row:not(.placeholder)');
  assert.match(await page.locator('.viewer .list .row:not(.placeholder)').first().innerText(), /Exit code = 0x8024401B/);
  // The filter lives in the URL.
  assert.match(page.url(), /sev=error/);
  assert.match(page.url(), /q=Exit%20code/);

  // Markdown export for a ticket.
  await page.goto(shared.app.url + '#/report');
  await page.click('button:has-text("Copy as Markdown")');
  await page.waitForTimeout(300);
  const md = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(md, /^# wulens report/);
  assert.match(md, /failed at step 3/);
  assert.match(md, /`0x8024401B`/);
  assert.match(md, /netsh winhttp show proxy/);
  // Nothing backslash-escaped; the summary opens the document and is what "Copy summary" copies.
  assert.doesNotMatch(md, /\\[_*<>|`\[\]]/);
  await page.click('button:has-text("Copy summary")');
  await page.waitForTimeout(300);
  const summary = await page.evaluate(() => navigator.clipboard.readText());
  assert.ok(summary.length > 100 && Buffer.byteLength(summary) <= 2048, summary);
  assert.ok(md.startsWith(summary), summary);
  assert.match(summary, /Leading failures:/);

  // Nothing left the page after it loaded: not the logs, not anything else.
  assert.deepEqual(requests, []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('log text is shown as text, never as HTML', async () => {
  const { page, context, problems } = await ready();
  let dialogs = 0;
  page.on('dialog', async (d) => { dialogs++; await d.dismiss(); });
  const evil = '<img src=x onerror=alert(1)><script>alert(2)</script>';
  const cm = `<![LOG[Payload ${evil} with 0x8024401B]LOG]!><time="10:00:00.000+420" date="05-31-2024" component="WUAHandler" context="" type="3" thread="1" file="">\r\n`;
  await drop(page, [file('WUAHandler.log', cm), file('notes.txt', `plain ${evil}\n`)]);
  await waitForReport(page);
  await page.goto(shared.app.url + '#/log');
  await page.waitForSelector('.row[data-line]');
  const text = await page.locator('.list').innerText();
  assert.ok(text.includes('<img src=x onerror=alert(1)>'), text);
  assert.equal(await page.locator('.list img, .list script').count(), 0);
  // The report's evidence and the Markdown are text too.
  await page.goto(shared.app.url + '#/report');
  assert.equal(await page.locator('main img').count(), 0);
  assert.equal(dialogs, 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('hostile input: binary, empty, truncated UTF-16, NULs, an empty zip: clear messages, nothing lost', async () => {
  const { page, context, problems } = await ready();
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('line one\r\nline two\r\n', 'utf16le'), Buffer.from([0x41])]);
  const emptyZip = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]);
  await drop(page, [
    file('WindowsUpdate.etl', Buffer.from([0, 1, 2, 3, 0, 0, 0, 9, 200, 0, 0, 7])),
    file('empty.log', ''),
    file('cut.log', utf16),
    file('nuls.log', 'before\u0000after 0x8024401B\r\nnext line\n'),
    file('bundle.zip', emptyZip),
  ]);
  await waitForReport(page);
  const files = await page.locator('section.files').innerText();
  assert.match(files, /Get-WindowsUpdateLog/);
  assert.match(files, /empty\.log/);
  assert.match(files, /cut off/);
  assert.match(files, /bundle\.zip: is a zip bundle with no files in it/);
  await page.goto(shared.app.url + '#/log?file=nuls.log');
  await page.waitForSelector('.row[data-line]');
  assert.match(await page.locator('.list').innerText(), /before␀after/);
  assert.equal(await page.locator('.row[data-line]').count(), 2);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the samples analyse without any request, and cancel returns to the start', async () => {
  const { page, context, problems } = await ready();
  const requests = countRequests(page);
  await page.click('button:has-text("broken scan")');
  await waitForReport(page);
  assert.match(await page.getByTestId('verdict').innerText(), /failed at step 3/);
  assert.ok(await page.locator('.finding[data-finding="gpo_override"]').count() === 1);
  await page.goto(shared.app.url + '#/');
  await page.click('button:has-text("healthy scan")');
  await waitForReport(page);
  assert.equal(await page.locator('.summary .badge').innerText(), 'Scan completed');
  assert.deepEqual(requests, []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('README screenshots exist and are current enough to show the app', () => {
  for (const f of ['landing.png', 'report.png', 'viewer.png']) {
    const p = path.join(ROOT, 'docs/screenshots', f);
    assert.ok(fs.existsSync(p) && fs.statSync(p).size > 10000, `${p} missing: run ./dev screenshots`);
  }
});

test('configuration given with the logs: the card, and a finding with evidence on both sides', async () => {
  const { page, context, problems } = await ready();
  await drop(page, fixtureFiles('config-gpo-mismatch'));
  await waitForReport(page);
  const card = page.locator('section.config');
  assert.equal(await card.getAttribute('data-provided'), 'true');
  const text = await card.innerText();
  assert.match(text, /WSUS server \(WUServer\)\s+http:\/\/OLDWSUS\.CONTOSO\.COM:8530/);
  assert.match(text, /ConfigMgr's WSUS location\s+http:\/\/PS1SITE\.CONTOSO\.COM:8530/);
  const f = page.locator('.finding[data-finding="config_gpo_mismatch"]');
  const where = await f.locator('.evidence a.where').allInnerTexts();
  assert.ok(where.includes('wu-policy.txt:3'), where.join(' '));
  assert.ok(where.includes('LocationServices.log:10'), where.join(' '));
  // The registry side of the evidence opens in the viewer like any log line.
  await f.locator('.evidence a.where', { hasText: 'wu-policy.txt:3' }).click();
  await page.waitForSelector('.row.selected');
  assert.match(await page.locator('.row.selected').innerText(), /WUServer\s+REG_SZ\s+http:\/\/OLDWSUS/);
  // A drop without configuration says so, with the commands that would add it.
  await page.goto(shared.app.url + '#/');
  await drop(page, fixtureFiles('config-none-given'));
  await page.waitForSelector('section.config[data-provided="false"]');
  // Nothing given: one line, the commands folded under it.
  await page.click('section.config summary');
  const none = await page.locator('section.config').innerText();
  assert.match(none, /Not given: which WSUS server and proxy/);
  assert.match(none, /netsh winhttp show proxy/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('Windows Update .etl traces dropped as they are become a log with a verdict, and the viewer shows their events', needsRealLogs(), async () => {
  const names = ['WindowsUpdate.20251008.140245.443.8.etl', 'SIH.20230422.034724.362.1.etl'];
  const dir = realLog('etl');
  const { page, context, problems } = await ready();
  const requests = countRequests(page);
  await drop(page, names.map((n) => file(n, fs.readFileSync(path.join(dir, n)))));
  await waitForReport(page);
  // The trace's install call is the story: an install that succeeded, so not failing now.
  assert.match(await page.getByTestId('verdict').innerText(), /Not failing now: the latest install succeeded/);
  assert.match(await page.locator('ul.statements').innerText(), /1 install/);
  assert.equal(await page.getByTestId('badge').innerText(), 'No failure found');
  // No ConfigMgr client log: no ConfigMgr scan flow, one line saying so.
  assert.ok(await page.getByTestId('no-configmgr-flow').isVisible());
  const row = page.locator(`tr[data-file="${names[0]}"]`);
  assert.doesNotMatch(await row.innerText(), /run Get-WindowsUpdateLog/i);
  // Both traces are in the merged timeline, as text.
  await page.goto(shared.app.url + '#/log');
  await page.waitForSelector('.row[data-line]');
  const find = page.locator('#find, input[type="search"]').first();
  await find.fill('80245108');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.body.innerText.includes('80245108'));
  assert.deepEqual(requests, []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the report states each kind of work with its lines, and lists the Windows Update activity', async () => {
  const { page, context, problems } = await ready();
  await page.click('button:has-text("broken scan")');
  await waitForReport(page);
  const failed = page.locator('.statements .statement[data-standing="failed"]');
  assert.equal(await failed.count(), 1);
  assert.match(await failed.innerText(), /failed at step 3/);
  const links = failed.locator('.evidence a.where');
  assert.ok(await links.count() > 0);
  const activity = page.locator('section.operations');
  assert.match(await activity.locator('h2').innerText(), /Windows Update activity/);
  // The caller in words, its id kept beside them.
  assert.match(await activity.locator('.op-groups').innerText(), /Search\s+the ConfigMgr client \(CcmExec\)/);
  const search = activity.locator('.operation[data-kind="search"][data-outcome="failed"]');
  assert.equal(await search.count(), 1);
  assert.match(await search.innerText(), /0x80072EE2/);
  // A statement's line opens in the viewer.
  const target = await links.first().innerText();
  await links.first().click();
  await page.waitForSelector('.row.selected');
  assert.equal(await page.locator('.row.selected').first().getAttribute('data-line'), target.split(':')[1]);

  await page.goto(shared.app.url + '#/');
  await page.click('button:has-text("healthy scan")');
  await waitForReport(page);
  assert.ok(await page.locator('.statements .statement[data-standing="ok"]').count() >= 1);
  assert.ok(await page.locator('section.operations .operation[data-kind="search"][data-outcome="succeeded"]').count() === 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the codes in view fit their panel: code and count visible, a long name shortened', async () => {
  const { page, context, problems } = await ready();
  await page.click('button:has-text("broken scan")');
  await waitForReport(page);
  await page.goto(shared.app.url + '#/log');
  await page.waitForSelector('.codes-in-view .chip');
  const fits = await page.evaluate(() => {
    const aside = document.querySelector('.codes-in-view').getBoundingClientRect();
    return [...document.querySelectorAll('.codes-in-view .chip .count')].every((c) => c.getBoundingClientRect().right <= aside.right);
  });
  assert.ok(fits, 'a count runs past the codes panel');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the report prints without navigation or buttons, verdict and evidence kept', async () => {
  const { page, context, problems } = await ready();
  await page.click('button:has-text("broken scan")');
  await waitForReport(page);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.topbar').isVisible(), false);
  assert.equal(await page.locator('main button:visible').count(), 0);
  assert.ok(await page.getByTestId('verdict').isVisible());
  assert.ok(await page.locator('.statements .statement a').first().isVisible());
  await page.emulateMedia({ media: 'screen' });
  assert.ok(await page.locator('.topbar').isVisible());
  assert.deepEqual(problems, []);
  await context.close();
});
