// The log viewer for daily use, driven with the keyboard and the mouse: keys from the moment it
// opens, rows always fully in view, find marks, columns, wrap, highlight rules, bookmarks, go to
// time, Δ, print, and narrow screens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { sharedApp, openApp, drop, file, waitForReport, artifact, seriousViolations } from './helpers.mjs';


const shared = sharedApp();

const cm = (msg, time, type, comp = 'WUAHandler', bias = '+480') =>
  `<![LOG[${msg}]LOG]!><time="${time}.000${bias}" date="01-15-2024" component="${comp}" context="" type="${type}" thread="7" file="x.cpp:1">\r\n`;
const WUA = cm('first', '10:00:01', 1) + cm('Scan failed with error = 0x8024401b via proxy.', '10:00:04', 3) + cm('later', '10:00:09', 1) + cm('OnSearchComplete - Failed to end search job. Error = 0x80072ee2.', '10:00:12', 3);
const SCAN = cm('request', '10:00:02', 1, 'ScanAgent') + cm('CScanJob::OnScanComplete -Scan Failed with Error=0x8024401b', '10:00:06', 3, 'ScanAgent') + cm('warn proxy', '10:00:07', 2, 'ScanAgent');

// A long CBS.log: 3,000 lines, a real error every 431 lines, and CBS's routine "file not found"
// probes (a knowledge-base noise context) just before each of them.
function cbsLog() {
  const out = [];
  const t = (i) => {
    const s = 10 * 3600 + i;
    const p = (n) => String(n).padStart(2, '0');
    return `2024-01-15 ${p(Math.floor(s / 3600))}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}`;
  };
  for (let i = 0; i < 3000; i++) {
    if (i % 431 === 200) out.push(`${t(i)}, Error                 CBS    Failed to get session package state [HRESULT = 0x80070005 - E_ACCESSDENIED]`);
    else if (i % 431 === 199) out.push(`${t(i)}, Error                 CBS    Not able to add C:\\Windows\\Logs\\CBS\\x${i}.log to Windows Error Report. [HRESULT = 0x80070002 - ERROR_FILE_NOT_FOUND]`);
    else out.push(`${t(i)}, Info                  CBS    Loaded Servicing Stack v10.0.${i} with Core: C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack\\cbscore.dll`);
  }
  return out.join('\r\n') + '\r\n';
}

async function loaded(files, hash = '#/log', viewport) {
  const s = await openApp(shared.browser, shared.app.url, viewport ? { viewport } : {});
  await drop(s.page, files);
  await waitForReport(s.page);
  await s.page.goto(shared.app.url + hash);
  await s.page.waitForSelector('.row[data-line]');
  return s;
}

/// The selected row's box lies fully inside the list's visible box.
async function selectedInView(page) {
  return page.evaluate(() => {
    const row = document.querySelector('.list .row.selected');
    const list = document.querySelector('.list');
    if (!row) return 'no selected row';
    const r = row.getBoundingClientRect();
    const l = list.getBoundingClientRect();
    const bottom = l.top + list.clientHeight; // above a horizontal scrollbar
    return r.top >= l.top - 0.5 && r.bottom <= bottom + 0.5 ? 'in view' : `row ${r.top}-${r.bottom} outside list ${l.top}-${bottom}`;
  });
}

const selectedLine = (page) => page.evaluate(() => document.querySelector('.row.selected')?.dataset.line);

test('F3 works right after the viewer opens, skips routine noise, and every jump lands fully in view', async () => {
  const { page, context, problems } = await loaded([file('CBS.log', cbsLog()), file('WUAHandler.log', WUA)], '#/log?file=CBS.log');
  // No click: the keys work as soon as the viewer opens.
  const lines = [];
  for (let k = 0; k < 6; k++) {
    const before = await selectedLine(page);
    await page.keyboard.press('F3');
    await page.waitForFunction((b) => { const l = document.querySelector('.row.selected')?.dataset.line; return l && l !== b; }, before);
    lines.push(await selectedLine(page));
    assert.equal(await selectedInView(page), 'in view', `F3 press ${k + 1}`);
    assert.equal(await page.locator('.row.selected.routine').count(), 0, 'routine noise is skipped');
    assert.match(await page.locator('.row.selected .c-text').innerText(), /E_ACCESSDENIED/);
  }
  assert.deepEqual(lines, ['201', '632', '1063', '1494', '1925', '2356']);
  await page.keyboard.press('Shift+F3');
  await page.waitForFunction(() => document.querySelector('.row.selected')?.dataset.line === '1925');
  assert.equal(await selectedInView(page), 'in view');
  // Stop on noise: F3 visits the routine probe too.
  await page.click('button:has-text("Stop on noise")');
  await page.waitForFunction(() => location.hash.includes('noise=1'));
  await page.locator('.list').focus();
  await page.keyboard.press('F3');
  await page.waitForFunction(() => document.querySelector('.row.selected')?.dataset.line === '2355');
  assert.equal(await page.locator('.row.selected.routine').count(), 1);
  // Arrows, PgDn, End, Home, Ctrl+G: always fully in view, never under the detail pane.
  for (const key of ['PageDown', 'PageDown', 'ArrowDown', 'End', 'PageUp', 'Home']) {
    const before = await selectedLine(page);
    await page.keyboard.press(key);
    await page.waitForFunction((b) => { const l = document.querySelector('.row.selected')?.dataset.line; return l && l !== b; }, before);
    assert.equal(await selectedInView(page), 'in view', key);
  }
  await page.keyboard.press('Control+g');
  await page.keyboard.type('1500');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('.row.selected')?.dataset.line === '1500');
  assert.equal(await selectedInView(page), 'in view', 'go to line');
  // A click elsewhere (a toolbar button) does not take the keys away.
  await page.click('button:has-text("Warning ▶")');
  await page.keyboard.press('Escape');
  await page.keyboard.press('F3');
  await page.waitForFunction(() => document.querySelector('.row.selected')?.dataset.line === '1924', null, { timeout: 5000 });
  await page.screenshot({ path: artifact('viewer-keys-cbs.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('find marks what it counts, and the count follows the view when the tab changes', async () => {
  const { page, context } = await loaded([file('WUAHandler.log', WUA), file('ScanAgent.log', SCAN)]);
  await page.keyboard.press('Control+f');
  await page.keyboard.type('fail');
  await page.waitForFunction(() => /3 lines match/.test(document.querySelector('.find-count')?.textContent || ''));
  const marked = () => page.evaluate(() => document.querySelectorAll('.row[data-line]:has(.c-text mark)').length);
  assert.equal(await marked(), 3);
  assert.deepEqual(await page.locator('.c-text mark').allInnerTexts(), ['fail', 'Fail', 'Fail']);
  // Marks are text nodes, not HTML built from the log.
  assert.equal(await page.locator('.c-text mark').first().evaluate((m) => m.children.length), 0);
  await page.click('button.tab-open:has-text("ScanAgent.log")');
  await page.waitForFunction(() => /^1 line match/.test(document.querySelector('.find-count')?.textContent || ''));
  assert.equal(await marked(), 1);
  await page.click('button.tab-open:has-text("WUAHandler.log")');
  await page.waitForFunction(() => /^2 lines match/.test(document.querySelector('.find-count')?.textContent || ''));
  assert.equal(await marked(), 2);
  await context.close();
});

test('columns: a header, resized by drag and by keyboard (kept in the URL across a reload), hidden, and wrap', async () => {
  const files = [file('WUAHandler.log', WUA), file('ScanAgent.log', SCAN)];
  const { page, context } = await loaded(files);
  const heads = await page.locator('.grid-head [role=columnheader]').allInnerTexts();
  assert.deepEqual(heads.map((h) => h.trim()), ['File', 'Line', 'Time', 'Δ', 'Component', 'Thread', 'Message']);
  const width = (sel) => page.locator(sel).first().evaluate((e) => e.getBoundingClientRect().width);
  const w0 = await width('.row[data-line] .c-time');
  const handle = page.locator('.grid-head .c-time .resize');
  const box = await handle.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 60, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction(() => location.hash.includes('cw=time.'));
  const w1 = await width('.row[data-line] .c-time');
  assert.ok(w1 > w0 + 40, `dragged wider: ${w0} → ${w1}`);
  // The keyboard: focus the edge, → widens.
  await page.locator('.grid-head .c-comp .resize').focus();
  await page.keyboard.press('Shift+ArrowRight');
  await page.waitForFunction(() => /cw=[^&]*comp\.150/.test(location.hash));
  // Hide the thread column from the Columns menu.
  await page.click('.columns-menu summary');
  await page.click('.columns-menu input[data-col="thread"]');
  await page.waitForFunction(() => !document.querySelector('.row[data-line] .c-thread'));
  assert.ok(!(await page.locator('.grid-head').innerText()).includes('Thread'));
  // The file column shows the whole name on hover.
  assert.equal(await page.locator('.row[data-line] .c-file').first().getAttribute('title'), 'WUAHandler.log');
  // Wrap: taller rows; the message wraps.
  const rowH = () => page.locator('.row[data-line]').first().evaluate((r) => r.getBoundingClientRect().height);
  assert.equal(await rowH(), 24);
  await page.click('button:has-text("Wrap")');
  await page.waitForFunction(() => document.querySelector('.grid.wrap'));
  assert.equal(await rowH(), 62);
  const url = page.url();
  assert.match(url, /nocol=thread/);
  assert.match(url, /wrap=1/);
  // A reload (and the same logs again) restores all of it.
  await page.reload();
  await page.waitForSelector('#app[data-worker="ready"]');
  await drop(page, files);
  await page.waitForSelector('.row[data-line]');
  assert.equal(page.url(), url);
  assert.ok(Math.abs((await width('.row[data-line] .c-time')) - w1) < 1.5, 'the width survives the reload');
  assert.equal(await page.locator('.row[data-line] .c-thread').count(), 0);
  assert.equal(await rowH(), 62);
  await context.close();
});

test('a highlight rule colours the rows it matches; severity stays visible; it lives in the URL', async () => {
  const { page, context } = await loaded([file('WUAHandler.log', WUA), file('ScanAgent.log', SCAN)]);
  await page.click('button:has-text("Highlight…")');
  await page.keyboard.type('proxy');
  await page.click('.hl-dialog label:has-text("Green")');
  await page.click('.hl-dialog button:has-text("Add")');
  await page.waitForFunction(() => location.hash.includes('hl=green'));
  const rows = await page.locator('.row.hl-green').evaluateAll((rs) => rs.map((r) => [r.dataset.severity, getComputedStyle(r).backgroundColor, getComputedStyle(r.querySelector('.c-mark')).borderLeftColor]));
  assert.equal(rows.length, 2);
  const plain = await page.locator('.row[data-line]:not(.hl)').first().evaluate((r) => getComputedStyle(r).backgroundColor);
  assert.notEqual(rows[0][1], plain);
  // The error and the warning keep their colour on the left edge.
  assert.deepEqual(rows.map((r) => r[0]).sort(), ['error', 'warning']);
  assert.notEqual(rows[0][2], rows[1][2]);
  assert.match(await page.locator('.hl-chip').innerText(), /proxy/);
  // An invalid regex says why and adds nothing.
  await page.click('button:has-text("Highlight…")');
  await page.keyboard.type('(');
  await page.click('.hl-dialog label:has-text("Regular expression")');
  await page.click('.hl-dialog button:has-text("Add")');
  assert.match(await page.locator('.hl-dialog [role=alert]').innerText(), /Not a valid regular expression/);
  await page.click('.hl-dialog button:has-text("Close")');
  await page.click('.hl-chip button');
  await page.waitForFunction(() => !document.querySelector('.row.hl'));
  await context.close();
});

test('bookmarks: Ctrl+F2 marks, F2 / Shift+F2 jump and wrap', async () => {
  const { page, context } = await loaded([file('WUAHandler.log', WUA), file('ScanAgent.log', SCAN)]);
  const row = (i) => ({ click: () => page.locator('.row[data-line]').nth(i).click({ position: { x: 30, y: 10 } }) });
  await row(1).click();
  await page.keyboard.press('Control+F2');
  await row(5).click();
  await page.keyboard.press('Control+F2');
  await page.waitForFunction(() => document.querySelectorAll('.row.marked').length === 2);
  assert.match(await page.locator('.findbar').innerText(), /2 bookmarks/);
  const selectedIndex = () => page.evaluate(() => [...document.querySelectorAll('.row[data-line]')].findIndex((r) => r.classList.contains('selected')));
  await row(3).click();
  await page.keyboard.press('F2');
  await page.waitForFunction(() => document.querySelector('.row.selected.marked'));
  assert.equal(await selectedIndex(), 5);
  await page.keyboard.press('F2');
  await page.waitForFunction(() => [...document.querySelectorAll('.row[data-line]')].findIndex((r) => r.classList.contains('selected')) === 1);
  await page.keyboard.press('Shift+F2');
  await page.waitForFunction(() => [...document.querySelectorAll('.row[data-line]')].findIndex((r) => r.classList.contains('selected')) === 5);
  // Ctrl+F2 again removes it.
  await page.keyboard.press('Control+F2');
  await page.waitForFunction(() => document.querySelectorAll('.row.marked').length === 1);
  await page.keyboard.press('?');
  assert.match(await page.locator('.help').innerText(), /Ctrl\+F2/);
  await context.close();
});

test('go to time and time filters use the zone the grid shows; placeholders come from the logs; Δ', async () => {
  const { page, context } = await loaded([file('WUAHandler.log', WUA), file('ScanAgent.log', SCAN)]);
  // The logs are at UTC-08:00: the grid shows 10:00:01..10:00:12.
  // The placeholder fits its field; the example time from the logs is in its title.
  assert.equal(await page.locator('.goto-time').getAttribute('placeholder'), 'Go to time');
  assert.match(await page.locator('.goto-time').getAttribute('title'), /\(2024-01-15 10:00, say\)/);
  await page.fill('.goto-time', '2024-01-15 10:00:06');
  await page.press('.goto-time', 'Enter');
  await page.waitForFunction(() => document.querySelector('.row.selected .c-time')?.textContent.includes('10:00:06'));
  // Δ: time since the previous line (10:00:04 → 10:00:06), then since a chosen line.
  assert.equal(await page.locator('.row.selected .c-delta').innerText(), '+2.000s');
  await page.click('button:has-text("Δ from here")');
  await page.waitForFunction(() => document.querySelector('.grid-head .c-delta')?.textContent.startsWith('Δ since ScanAgent.log:2'));
  assert.equal(await page.locator('.row[data-line]').last().locator('.c-delta').innerText(), '+6.000s');
  assert.equal(await page.locator('.row[data-line]').first().locator('.c-delta').innerText(), '-5.000s');
  // Time filters, in the same zone.
  await page.click('.more-filters summary');
  assert.match(await page.locator('.zone-note').innerText(), /UTC-08:00/);
  assert.equal(await page.locator('.time-from').getAttribute('placeholder'), '2024-01-15 10:00');
  await page.fill('.time-from', '2024-01-15 10:00:06');
  await page.press('.time-from', 'Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=row-count]')?.textContent.startsWith('4 of 7'));
  // In UTC the same words mean another time: the grid and the filter move together.
  await page.click('button:has-text("Local time")');
  await page.waitForFunction(() => document.querySelector('[data-testid=row-count]')?.textContent.startsWith('7 of 7'));
  await context.close();
});

test('print: the selected lines, or the lines of the view with a note, not the virtual list', async () => {
  const { page, context } = await loaded([file('CBS.log', cbsLog())]);
  await page.evaluate(() => { window.__printed = 0; window.print = () => { window.__printed++; }; });
  await page.locator('.row[data-line="3"]').click();
  await page.locator('.row[data-line="6"]').click({ modifiers: ['Shift'] });
  await page.keyboard.press('Control+p');
  await page.waitForFunction(() => window.__printed === 1);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.print-rows tbody tr').count(), 4);
  assert.match(await page.locator('.print-rows .note').innerText(), /The 4 selected lines/);
  assert.equal(await page.locator('.grid').isVisible(), false);
  await page.emulateMedia({ media: 'screen' });
  await page.locator('.row[data-line="3"]').click();
  await page.click('.findbar button:has-text("Print")');
  await page.waitForFunction(() => window.__printed === 2);
  await page.emulateMedia({ media: 'print' });
  await page.waitForFunction(() => document.querySelectorAll('.print-rows tbody tr').length === 2000);
  assert.match(await page.locator('.print-rows .note').innerText(), /first 2000 of the 3000 lines/);
  await page.pdf({ path: artifact('viewer-print.pdf') });
  await context.close();
});

test('phones and narrow windows: no page wider than the screen, the message first in the viewer', async () => {
  for (const width of [360, 420]) {
    const { page, context } = await loaded([file('WUAHandler.log', WUA), file('ScanAgent.log', SCAN)], '#/log', { width, height: 780 });
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    for (const hash of ['#/log', '#/report', '#/kb/0x8024401B', '#/kb', '#/collect', '#/']) {
      await page.goto(shared.app.url + hash);
      await page.waitForTimeout(300);
      assert.ok((await overflow()) <= 0, `${hash} at ${width}px overflows by ${await overflow()}px`);
      if (hash === '#/log') {
        await page.waitForSelector('.row[data-line]');
        const msg = await page.locator('.row[data-line] .c-text').first().boundingBox();
        assert.ok(msg.width > width / 2, `the message is ${msg.width}px wide at ${width}px`);
        assert.ok(msg.x < 40, `the message comes first (x = ${msg.x})`);
        const bar = await page.locator('.topbar').boundingBox();
        assert.ok(bar.height <= 52, `top bar ${bar.height}px`);
        await page.screenshot({ path: artifact(`viewer-${width}.png`) });
      }
      if (hash === '#/report') await page.screenshot({ path: artifact(`report-${width}.png`), fullPage: false });
    }
    await context.close();
  }
});

test('axe-core: the viewer with its header, marks, highlights, bookmarks and dialogs has no serious or critical violation', async () => {
  for (const scheme of ['light', 'dark']) {
    const context = await shared.browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: scheme, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(shared.app.url);
    await page.waitForSelector('#app[data-worker="ready"]', { timeout: 30000 });
    await drop(page, [file('WUAHandler.log', WUA), file('ScanAgent.log', SCAN)]);
    await waitForReport(page);
    await page.goto(shared.app.url + '#/log?hl=green~t~proxy,yellow~t~later');
    await page.waitForSelector('.row[data-line]');
    await page.locator('.row[data-line]').nth(1).click();
    await page.keyboard.press('Control+F2');
    await page.keyboard.press('Control+f');
    await page.keyboard.type('fail');
    await page.click('.columns-menu summary');
    await page.click('button:has-text("Highlight…")');
    const found = await seriousViolations(page);
    assert.deepEqual(found, [], scheme);
    await page.screenshot({ path: artifact(`viewer-${scheme}.png`) });
    await context.close();
  }
});
