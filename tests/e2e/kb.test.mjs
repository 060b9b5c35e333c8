// The knowledge base on the web: search in every notation, permalinks from a cold load,
// embeds in an iframe on another origin, dist/ under a sub-path, and accessibility.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { sharedApp, openApp, DIST, drop, file, fixtureFiles, waitForReport, countRequests, seriousViolations } from './helpers.mjs';
import { serve } from './server.mjs';


const shared = sharedApp();

test('typing the signed decimal the console shows finds 0x8024401B', async () => {
  const { page, context, problems } = await openApp(shared.browser, shared.app.url + '#/kb');
  const requests = countRequests(page);
  await page.fill('#kb-search', '-2145107941');
  await page.waitForSelector('.results .result');
  const first = page.locator('.results .result').first();
  assert.match(await first.innerText(), /0x8024401B/);
  assert.match(await first.innerText(), /WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ/);
  // Words rank the proxy family first; the query lives in the URL.
  await page.fill('#kb-search', 'proxy');
  await page.waitForFunction(() => document.querySelector('.results .result .cat')?.textContent === 'Proxy');
  assert.match(page.url(), /#\/kb\?q=proxy/);
  await first.click();
  await page.waitForSelector('.entry');
  assert.equal(await page.locator('.entry').getAttribute('data-code'), await page.locator('.entry .code').first().innerText());
  assert.deepEqual(requests, []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('#/kb/0x80244022 renders the entry directly from a cold load, with decode and copyable commands', async () => {
  const { page, context, problems } = await openApp(shared.browser, shared.app.url + '#/kb/0x80244022');
  await page.waitForSelector('.entry[data-code="0x80244022"]');
  const text = await page.locator('.entry').innerText();
  assert.match(text, /WU_E_PT_HTTP_STATUS_SERVICE_UNAVAIL/);
  assert.match(text, /What to do/);
  assert.match(text, /HTTP status\s+503/);
  assert.match(text, /-2145107934/); // the console's notation, in the decode table
  // Unknown codes still decode; names lead to their entry.
  await page.goto(shared.app.url + '#/kb/0x8024FFFE');
  await page.waitForSelector('table.decode');
  assert.match(await page.locator('main').innerText(), /not in the knowledge base/);
  assert.match(await page.locator('main').innerText(), /FACILITY_WINDOWSUPDATE/);
  await page.goto(shared.app.url + '#/kb/WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ');
  await page.waitForSelector('.entry[data-code="0x8024401B"]');
  // The Embed button copies an iframe snippet pointing at the embed view.
  await page.click('button:has-text("Embed")');
  await page.waitForTimeout(200);
  const snippet = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(snippet, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/#\/embed\/kb\/0x8024401B"/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the embed view works inside an iframe of a page on another origin', async () => {
  const wiki = await serve(DIST, {
    extra: {
      '/wiki.html': `<!doctype html><html><head><title>Wiki</title></head><body><h1>Runbook</h1>
        <iframe id="kb" src="${shared.app.url}#/embed/kb/0x8024401B" style="width:100%" height="300"></iframe>
        <iframe id="search" src="${shared.app.url}#/embed/search?q=catroot2" style="width:100%" height="300"></iframe>
        <script>window.heights = []; addEventListener('message', (e) => { if (e.data && e.data.wulensHeight) window.heights.push(e.data.wulensHeight); });</script>
        </body></html>`,
    },
  });
  assert.notEqual(wiki.port, shared.app.port, 'a different origin');
  const context = await shared.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${wiki.origin}/wiki.html`);
  const kb = page.frameLocator('#kb');
  await kb.locator('.entry[data-code="0x8024401B"]').waitFor({ timeout: 30000 });
  assert.match(await kb.locator('.entry').innerText(), /What to do/);
  // Chrome-less: no top bar, and links open the full app in a new tab.
  assert.equal(await kb.locator('.topbar').count(), 0);
  const full = kb.locator('a:has-text("Open in wulens")');
  assert.equal(await full.getAttribute('target'), '_blank');
  assert.match(await full.getAttribute('href'), /#\/kb\/0x8024401B$/);
  const search = page.frameLocator('#search');
  await search.locator('.results .result').first().waitFor();
  assert.match(await search.locator('.results').innerText(), /0x80242006/);
  // The frames told the wiki page their height.
  await page.waitForFunction(() => window.heights.length >= 2);
  await context.close();
  await wiki.close();
});

test('dist/ served under a sub-path works, analysis included', async () => {
  const sub = await serve(DIST, { prefix: '/tools/wulens/' });
  const { page, context, problems } = await openApp(shared.browser, sub.url);
  await page.waitForSelector('#app[data-worker="ready"]');
  await drop(page, fixtureFiles('fail-step5-parse'));
  await waitForReport(page);
  assert.match(await page.getByTestId('verdict').innerText(), /failed at step 5/);
  await page.goto(sub.url + '#/kb/0x8007000E');
  await page.waitForSelector('.entry[data-code="0x8007000E"]');
  assert.ok(sub.served.every((p) => p.startsWith('/tools/wulens/')), sub.served.join(' '));
  // The knowledge-base JSON for wiki tooling is published next to the app.
  const kb = JSON.parse(fs.readFileSync(path.join(DIST, 'kb.json'), 'utf8'));
  assert.ok(kb.count > 1000 && kb.entries.some((e) => e.code === '0x8024401B' && e.mitigation.length > 0));
  assert.deepEqual(problems, []);
  await context.close();
  await sub.close();
});

const axe = (page) => seriousViolations(page);

test('axe-core finds no serious or critical accessibility violations', async () => {
  for (const scheme of ['light', 'dark']) {
    // bypassCSP only lets the test inject axe-core; the app's own policy is checked elsewhere.
    const context = await shared.browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: scheme, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(shared.app.url);
    await page.waitForSelector('#app[data-worker="ready"]', { timeout: 30000 });
    const found = {};
    found.landing = await axe(page);
    await page.click('button:has-text("broken scan")');
    await waitForReport(page);
    found.report = await axe(page);
    await page.goto(shared.app.url + '#/log');
    await page.waitForSelector('.row[data-line]');
    found.viewer = await axe(page);
    await page.goto(shared.app.url + '#/kb/0x8024401B');
    await page.waitForSelector('.entry');
    found.kb = await axe(page);
    await page.goto(shared.app.url + '#/kb');
    found.kbSearch = await axe(page);
    await page.goto(shared.app.url + '#/collect');
    found.collect = await axe(page);
    for (const [where, v] of Object.entries(found)) assert.deepEqual(v, [], `${scheme} ${where}`);
    await context.close();
  }
});

test('narrow wiki column: the embed and the report stay readable at 420px', async () => {
  const { page, context } = await openApp(shared.browser, shared.app.url + '#/embed/kb/0x80072F0C', { viewport: { width: 420, height: 800 } });
  await page.waitForSelector('.entry');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `horizontal overflow ${overflow}px`);
  await context.close();
});

test('an error card leads with where this drop writes the code: routine here, with its line', async () => {
  // A CBS.log whose E_FAIL lines are all its telemetry upload (a noise context of the knowledge
  // base), beside a servicing error that has no context.
  const lines = [
    '2024-01-15 10:00:01, Info                  CBS    Starting TrustedInstaller initialization.',
    '2024-01-15 10:00:02, Info                  CBS    SQM: Failed to start upload with file pattern: C:\\Windows\\servicing\\sqm\\*_std.sqm, flags: 0x2 [HRESULT = 0x80004005 - E_FAIL]',
    '2024-01-15 10:00:03, Info                  CBS    SQM: Failed to start standard sample upload. [HRESULT = 0x80004005 - E_FAIL]',
    '2024-01-15 10:00:09, Error                 CBS    Failed to resolve package [HRESULT = 0x800F0805 - CBS_E_INVALID_PACKAGE]',
  ];
  const { page, context, problems } = await openApp(shared.browser, shared.app.url);
  const requests = countRequests(page);
  await drop(page, [file('CBS.log', lines.join('\r\n') + '\r\n')]);
  await waitForReport(page);
  const card = page.locator('.error-card[data-code="0x80004005"]');
  await card.waitFor();
  const here = card.locator('.here');
  assert.equal(await here.getAttribute('data-verdict'), 'routine');
  assert.match(await here.innerText(), /Routine here: CBS's telemetry \(SQM\) upload \(every mention, first CBS\.log:2\)/);
  assert.deepEqual(requests, []);
  assert.deepEqual(problems, []);
  await context.close();
});
