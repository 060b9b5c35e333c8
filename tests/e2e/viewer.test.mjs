// The log viewer, driven with the keyboard and the mouse as a CMTrace user would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sharedApp, openApp, drop, file, waitForReport } from './helpers.mjs';

const shared = sharedApp();

const cm = (msg, time, type, comp = 'WUAHandler', bias = '+480') =>
  `<![LOG[${msg}]LOG]!><time="${time}.000${bias}" date="01-15-2024" component="${comp}" context="" type="${type}" thread="7" file="x.cpp:1">\r\n`;

// Two CMTrace logs whose lines interleave in time (both at UTC-08:00), and a WindowsUpdate.log
// without an offset (assumed from the others).
const WUA = cm('first', '10:00:01', 1) + cm('Scan failed with error = 0x8024401b.', '10:00:04', 3) + cm('later', '10:00:09', 1) + cm('OnSearchComplete - Failed to end search job. Error = 0x80072ee2.', '10:00:12', 3);
const SCAN = cm('request', '10:00:02', 1, 'ScanAgent') + cm('CScanJob::OnScanComplete -Scan Failed with Error=0x8024401b', '10:00:06', 3, 'ScanAgent') + cm('warn', '10:00:07', 2, 'ScanAgent');
const WU = '2024/01/15 10:00:03.0000000 1 2 Agent           start\r\n2024/01/15 10:00:05.0000000 1 2 WebServices     *FAILED* [8024401B] proxy\r\n';

async function loaded(files, hash = '#/log') {
  const s = await openApp(shared.browser, shared.app.url);
  await drop(s.page, files);
  await waitForReport(s.page);
  await s.page.goto(shared.app.url + hash);
  await s.page.waitForSelector('.row[data-line]');
  return s;
}

const selected = (page) => page.locator('.row.selected').first().evaluate((r) => ({ file: r.querySelector('.c-file')?.textContent, line: r.dataset.line, text: r.querySelector('.c-text').textContent }));
const rowTexts = (page) => page.locator('.row[data-line] .c-text').allInnerTexts();

test('F3 lands on the next type-3 entry across files in merged order; Shift+F3 goes back', async () => {
  const { page, context, problems } = await loaded([file('WUAHandler.log', WUA), file('ScanAgent.log', SCAN), file('WindowsUpdate.log', WU)]);
  await page.locator('.list').focus();
  await page.keyboard.press('F3');
  await page.waitForSelector('.row.selected');
  // Merged order by UTC: 10:00:04 WUAHandler error, 10:00:05 WindowsUpdate error, 10:00:06 ScanAgent error...
  assert.deepEqual(await selected(page), { file: 'WUAHandler.log', line: '2', text: 'Scan failed with error = 0x8024401b.' });
  await page.keyboard.press('F3');
  await page.waitForFunction(() => document.querySelector('.row.selected .c-file')?.textContent === 'WindowsUpdate.log');
  await page.keyboard.press('F3');
  await page.waitForFunction(() => document.querySelector('.row.selected .c-file')?.textContent === 'ScanAgent.log');
  assert.equal((await selected(page)).line, '2');
  await page.keyboard.press('Shift+F3');
  await page.waitForFunction(() => document.querySelector('.row.selected .c-file')?.textContent === 'WindowsUpdate.log');
  // F4 finds the warning.
  await page.keyboard.press('F4');
  await page.waitForFunction(() => document.querySelector('.row.selected')?.dataset.severity === 'warning');
  // The ? key shows the keys.
  await page.keyboard.press('?');
  assert.match(await page.locator('.help').innerText(), /F3 \/ Shift\+F3/);
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('.help').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('switching to UTC moves a +480 CMTrace entry by 8 hours', async () => {
  const { page, context } = await loaded([file('WUAHandler.log', WUA)]);
  const first = page.locator('.row[data-line="1"] .c-time');
  assert.match(await first.innerText(), /^2024-01-15 10:00:01/);
  await page.click('button:has-text("Local time")');
  await page.waitForFunction(() => document.querySelector('.row[data-line="1"] .c-time')?.textContent.startsWith('2024-01-15 18:00:01'));
  assert.match(page.url(), /utc=1/);
  await context.close();
});

test("overriding a file's offset re-orders the merged timeline", async () => {
  const { page, context } = await loaded([file('WUAHandler.log', WUA), file('WindowsUpdate.log', WU)]);
  const order = async () => (await page.locator('.row[data-line] .c-file').allInnerTexts()).join(',');
  // WindowsUpdate.log is assumed to be at UTC-08:00 like the CMTrace log: its lines interleave.
  assert.equal(await order(), 'WUAHandler.log,WindowsUpdate.log,WUAHandler.log,WindowsUpdate.log,WUAHandler.log,WUAHandler.log');
  await page.click('button:has-text("Time zones")');
  // Collected on a machine at UTC-09:00: its lines are an hour later in UTC.
  await page.selectOption('select[data-file="WindowsUpdate.log"]', '-540');
  await page.waitForFunction(() => [...document.querySelectorAll('.row[data-line] .c-file')].map((e) => e.textContent).join(',') === 'WUAHandler.log,WUAHandler.log,WUAHandler.log,WUAHandler.log,WindowsUpdate.log,WindowsUpdate.log');
  // The report's files table says so.
  await page.goto(shared.app.url + '#/report');
  assert.match(await page.locator('tr[data-file="WindowsUpdate.log"]').innerText(), /UTC-09:00/);
  await context.close();
});

test('a filter survives a reload via the URL', async () => {
  const files = [file('WUAHandler.log', WUA), file('ScanAgent.log', SCAN)];
  const { page, context } = await loaded(files);
  await page.click('.sev-toggles button.error');
  await page.fill('.filter-text', 'scan');
  await page.waitForFunction(() => document.querySelector('[data-testid=row-count]')?.textContent.startsWith('2 of 7'));
  const url = page.url();
  assert.match(url, /sev=error/);
  await page.reload();
  await page.waitForSelector('#app[data-worker="ready"]');
  // The logs are not kept (nothing is stored); the page says the link carries filters.
  assert.match(await page.locator('main').innerText(), /carries log viewer filters/);
  await drop(page, files);
  await page.waitForSelector('.row[data-line]');
  await page.waitForFunction(() => document.querySelector('[data-testid=row-count]')?.textContent.startsWith('2 of 7'));
  assert.equal(page.url(), url);
  assert.deepEqual(await page.locator('.chips .chip').allInnerTexts().then((t) => t.map((x) => x.replace('×', '').trim())), ['severity: error', 'text: scan']);
  // Chips are removable one by one, and "Clear all" works.
  await page.click('.chips .chip:has-text("text: scan") button');
  await page.waitForFunction(() => document.querySelector('[data-testid=row-count]')?.textContent.startsWith('3 of 7'));
  await page.click('.chips button:has-text("Clear all")');
  await page.waitForFunction(() => document.querySelector('[data-testid=row-count]')?.textContent.startsWith('7 of 7'));
  await context.close();
});

test('a line with NULs and a 50 MB line are present and counted', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wulens-e2e-'));
  const big = path.join(dir, 'huge.log');
  const fd = fs.openSync(big, 'w');
  fs.writeSync(fd, 'first line\r\n');
  const chunk = Buffer.alloc(1 << 20, 'x');
  for (let i = 0; i < 50; i++) fs.writeSync(fd, chunk);
  fs.writeSync(fd, ' 0x8024401B\r\nnul\u0000inside\u0000line\r\nlast line\n');
  fs.closeSync(fd);
  const { page, context, problems } = await openApp(shared.browser, shared.app.url);
  await page.setInputFiles('input[aria-label="Choose log files"]', big);
  await waitForReport(page);
  const row = await page.locator('tr[data-file="huge.log"]').innerText();
  assert.match(row, /\t4\t/, row); // 4 lines, all kept (plain text: 0 entries, 4 unparsed)
  await page.goto(shared.app.url + '#/log');
  await page.waitForSelector('.row[data-line]');
  const texts = await rowTexts(page);
  assert.equal(texts.length, 4);
  assert.match(texts[1], /^x{50}/);
  assert.match(texts[1], /52,428,811 characters/);
  assert.equal(texts[2], 'nul␀inside␀line');
  // The 50 MB line's code is still found.
  assert.match(await page.locator('.codes-in-view').innerText(), /0x8024401B/);
  fs.rmSync(dir, { recursive: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test('clicking a code chip shows its mitigation without losing the position', async () => {
  const { page, context } = await loaded([file('WUAHandler.log', WUA), file('WindowsUpdate.log', WU)]);
  await page.locator('.row[data-line="2"]').first().click();
  await page.locator('.row.selected .code-inline').click();
  const panel = page.locator('.code-panel');
  await panel.waitFor();
  assert.match(await panel.innerText(), /0x8024401B/);
  assert.match(await panel.innerText(), /What to do/);
  assert.match(await panel.innerText(), /netsh winhttp show proxy/);
  assert.equal(await page.locator('.row.selected').count(), 1, 'the selection stays');
  // Codes in view: name and count, one click from the mitigation.
  await page.click('.code-panel .close');
  assert.match(await page.locator('.codes-in-view').innerText(), /0x8024401B[\s\S]*×2/);
  await context.close();
});

test('closing a tab removes the file from the merged timeline; keyboard find, go to line, copy', async () => {
  const { page, context } = await loaded([file('WUAHandler.log', WUA), file('ScanAgent.log', SCAN), file('WindowsUpdate.log', WU)]);
  await page.click('button[aria-label^="Close ScanAgent.log"]');
  await page.waitForFunction(() => document.querySelector('[data-testid=row-count]')?.textContent.startsWith('6 of 9'));
  assert.ok(!(await page.locator('.row .c-file').allInnerTexts()).includes('ScanAgent.log'));
  assert.match(page.url(), /hide=ScanAgent\.log/);
  // Find as you type, Enter for the next match.
  await page.locator('.list').focus();
  await page.keyboard.press('Control+f');
  await page.keyboard.type('fail');
  await page.waitForFunction(() => /3 lines match/.test(document.querySelector(".findbar").textContent));
  await page.keyboard.press('Enter');
  // Go to a line of one file.
  await page.click('button.tab-open:has-text("WUAHandler.log")');
  await page.waitForFunction(() => document.querySelector('[data-testid=row-count]')?.textContent.startsWith('4 of'));
  await page.locator('.list').focus();
  await page.keyboard.press('Control+g');
  await page.keyboard.type('3');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('.row.selected')?.dataset.line === '3');
  // Extend the selection with Shift+Down and copy it as Markdown.
  await page.locator('.list').focus();
  await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Control+Shift+C');
  await page.waitForTimeout(200);
  const md = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(md, /^Lines from WUAHandler\.log:/);
  assert.match(md, /WUAHandler\.log:3 .* info later/);
  assert.match(md, /WUAHandler\.log:4 .* error OnSearchComplete/);
  await context.close();
});
