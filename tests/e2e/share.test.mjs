// The Share panel: a drop with planted identifiers; everything that leaves (the copied
// Markdown and summary, the JSON, the redacted logs' zip, a saved report) holds none of them
// and keeps the conclusion; the zip dropped back gives the same verdict; the saved report
// reopens without its logs, marked so, and exports the same text it was saved from, never
// redacted again; a newer or foreign saved report is refused and loses nothing. The preview
// counts the report's exports and the logs' zip each on its own. No network request after load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { sharedApp, openApp, drop, file, fixtureFiles, waitForReport, countRequests, artifact } from './helpers.mjs';

const shared = sharedApp();

// The fixture's site server (PS1SITE.CONTOSO.COM) and a planted computer, user and address.
const PLANTED = ['ps1site', 'contoso', 'zorropc77', 'zorro.plant', '10.77.66.55'];
const plantedLine = '<![LOG[ComputerName=ZORROPC77 loaded C:\\Users\\zorro.plant\\AppData\\Local\\Temp\\wu.dll from 10.77.66.55]LOG]!><time="10:11:02.100+420" date="06-18-2024" component="WUAHandler" context="" type="1" thread="7340" file="x.cpp:1">\r\n';

function planted(text) {
  const low = text.toLowerCase();
  return PLANTED.filter((p) => low.includes(p));
}

async function download(page, button) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=share] button:has-text("${button}")`)]);
  const p = artifact(d.suggestedFilename());
  await d.saveAs(p);
  return { name: d.suggestedFilename(), path: p, bytes: fs.readFileSync(p) };
}

test('the Share panel redacts what leaves and keeps the conclusion', async () => {
  const { page, context, problems } = await openApp(shared.browser, shared.app.url, { viewport: { width: 1280, height: 1000 } });
  const requests = countRequests(page);
  const files = fixtureFiles('fail-step3-proxy-407');
  files.push(file('Planted.log', plantedLine));
  await drop(page, files);
  await waitForReport(page);
  const badge = await page.getByTestId('badge').innerText();
  const verdict = await page.getByTestId('verdict').innerText();
  assert.match(verdict, /failed at step 3/);

  // The preview says what was replaced, before anything leaves: in the report's exports, and
  // in the logs' zip (the whole logs, not only the lines the report cites), each on its own.
  const preview = page.getByTestId('share-preview');
  await page.waitForFunction(() => /Replaced in the report's exports/.test(document.querySelector('[data-testid=share-preview]')?.textContent || ''));
  const said = await preview.innerText();
  const [inReport, inZip] = said.split(/Replaced in the redacted logs' zip/);
  assert.ok(inZip, said);
  // The report cites the WSUS server; the zip holds the planted computer too.
  assert.match(inReport, /\d+ server (and|or) host names? \(HOST-n\), replaced \d+ time/);
  assert.match(inZip, /1 computer name \(HOST-n\), replaced \d+ time/);
  assert.match(inZip, /user names? \(USER-n\), replaced \d+ time/, 'the zip counts the user the report never cites');
  await page.getByTestId('share').screenshot({ path: artifact('share-panel.png') });

  await page.click('[data-testid=share] button:has-text("Copy as Markdown")');
  await page.waitForFunction(async () => (await navigator.clipboard.readText()).startsWith('# wulens report'));
  const md = await page.evaluate(() => navigator.clipboard.readText());
  assert.deepEqual(planted(md), [], 'no planted identifier in the Markdown');
  assert.match(md, /failed at step 3/);
  assert.match(md, /`0x8024401B`/);
  assert.match(md, /HOST-\d/);
  await page.click('[data-testid=share] button:has-text("Copy summary")');
  await page.waitForFunction(async (md) => { const t = await navigator.clipboard.readText(); return t !== md && md.startsWith(t); }, md);
  const summary = await page.evaluate(() => navigator.clipboard.readText());
  assert.ok(Buffer.byteLength(summary) <= 2048 && /Leading failures:/.test(summary), summary);
  assert.doesNotMatch(summary, /below/, 'the summary promises nothing it does not hold');

  const json = await download(page, 'Download JSON');
  assert.equal(json.name, 'wulens-report-redacted.json');
  const report = JSON.parse(json.bytes.toString('utf8'));
  assert.deepEqual(planted(json.bytes.toString('utf8')), []);
  assert.equal(report.summary.badge, badge);
  assert.ok(report.errors.some((e) => e.code === '0x8024401B'));

  // The redacted logs: the same names, no planted identifier; dropped back, the same verdict.
  const zip = await download(page, 'Download redacted logs (zip)');
  const listing = execFileSync('python3', ['-c', 'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print("\\n".join(n + "\\n" + z.read(n).decode("utf-8") for n in z.namelist()))', zip.path]).toString();
  assert.deepEqual(planted(listing), [], 'no planted identifier in the zip');
  for (const f of files) assert.ok(listing.includes(f.name), `${f.name} in the zip`);
  await page.goto(shared.app.url + '#/');
  await drop(page, [{ name: zip.name, b64: zip.bytes.toString('base64') }]);
  await waitForReport(page);
  assert.equal(await page.getByTestId('badge').innerText(), badge);
  assert.equal(await page.getByTestId('verdict').innerText(), report.summary.verdict, 'the redacted logs read back to the same conclusion');

  // Save report (with its lines), then reopen it on the start page without the logs: its
  // exports are the text it was saved from, byte for byte, never redacted again.
  await page.waitForFunction(() => /Replaced/.test(document.querySelector('[data-testid=share-preview]')?.textContent || ''));
  const firstJson = await download(page, 'Download JSON');
  await page.evaluate(() => navigator.clipboard.writeText(''));
  await page.click('[data-testid=share] button:has-text("Copy as Markdown")');
  await page.waitForFunction(async () => (await navigator.clipboard.readText()).startsWith('# wulens report'));
  const firstMd = await page.evaluate(() => navigator.clipboard.readText());
  const saved = await download(page, 'Save report');
  assert.match(saved.name, /\.wulens\.json$/);
  const doc = JSON.parse(saved.bytes.toString('utf8'));
  assert.equal(doc.wulens_saved_report, 1);
  assert.equal(doc.report.redacted, true, 'the saved report says it is redacted');
  assert.deepEqual(planted(saved.bytes.toString('utf8')), []);
  await page.goto(shared.app.url + '#/');
  await drop(page, [{ name: saved.name, b64: saved.bytes.toString('base64') }]);
  await page.waitForSelector('[data-testid=saved-banner]');
  await waitForReport(page);
  assert.match(await page.getByTestId('saved-banner').innerText(), /Opened from a saved report .*redacted.*The logs are not in it/s);
  assert.equal(await page.getByTestId('badge').innerText(), badge);
  assert.equal(await page.getByTestId('verdict').innerText(), report.summary.verdict);
  await page.screenshot({ path: artifact('saved-report.png') });
  // Its exports are made on the page (the worker holds no logs now), as they were saved.
  await page.waitForFunction(() => /Redacted when it was saved/.test(document.querySelector('[data-testid=share-preview]')?.textContent || ''));
  assert.ok(await page.getByTestId('redact').isChecked() && (await page.getByTestId('redact').isDisabled()), 'a redacted report stays redacted');
  await page.getByTestId('share').screenshot({ path: artifact('share-saved.png') });
  await page.evaluate(() => navigator.clipboard.writeText(''));
  await page.click('[data-testid=share] button:has-text("Copy as Markdown")');
  await page.waitForFunction(async () => (await navigator.clipboard.readText()).startsWith('# wulens report'));
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), firstMd, 'the same Markdown as the first export');
  const againJson = await download(page, 'Download JSON');
  assert.equal(againJson.name, firstJson.name);
  assert.ok(againJson.bytes.equals(firstJson.bytes), 'the same JSON as the first export');
  assert.equal(await page.locator('[data-testid=share] button:has-text("redacted logs")').count(), 0, 'no logs to zip');
  await page.goto(shared.app.url + '#/log');
  await page.waitForSelector('[data-testid=no-logs]');
  assert.match(await page.getByTestId('no-logs').innerText(), /The logs are not in a saved report/);

  // A newer format and a foreign file are refused with a message; the report stays.
  await page.goto(shared.app.url + '#/');
  await drop(page, [file('next.wulens.json', '{"wulens_saved_report": 2, "report": {}}')]);
  await page.waitForSelector('[data-testid=notice]');
  assert.match(await page.getByTestId('notice').innerText(), /saved by a newer wulens/);
  await drop(page, [file('other.wulens.json', '{"name": "package"}')]);
  await page.waitForFunction(() => /is not a wulens saved report/.test(document.querySelector('[data-testid=notice]')?.textContent || ''));
  await page.goto(shared.app.url + '#/report');
  await waitForReport(page);
  assert.equal(await page.getByTestId('badge').innerText(), badge, 'nothing was lost');
  assert.ok(await page.getByTestId('saved-banner').isVisible());

  // Downloads are blob: URLs the page made; nothing else was asked for.
  assert.deepEqual(requests.filter((u) => !u.startsWith('blob:')), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('turned off, the exports are the logs as they are, and say so', async () => {
  const { page, context, problems } = await openApp(shared.browser, shared.app.url);
  await drop(page, fixtureFiles('fail-step3-proxy-407'));
  await waitForReport(page);
  await page.waitForFunction(() => /Replaced in the report's exports/.test(document.querySelector('[data-testid=share-preview]')?.textContent || ''));
  await page.getByTestId('redact').uncheck();
  await page.waitForFunction(() => /Not redacted/.test(document.querySelector('[data-testid=share-preview]')?.textContent || ''));
  assert.ok(await page.locator('[data-testid=share] button:has-text("redacted logs")').isDisabled());
  await page.click('[data-testid=share] button:has-text("Copy as Markdown")');
  await page.waitForFunction(async () => (await navigator.clipboard.readText()).startsWith('# wulens report'));
  assert.match(await page.evaluate(() => navigator.clipboard.readText()), /PS1SITE\.CONTOSO\.COM/);
  assert.deepEqual(problems, []);
  await context.close();
});

// A client's CCM\Logs folder: an inventory log whose WMI queries name DNSHostName and Version
// once stopped every export ("Nothing can be shared"); ccmsetup's command line names the
// management point, the site code and the certificate issuer; a per-user log's name holds the
// user. Everything shares, and none of them leaves.
test('a CCM\\Logs folder shares, with its ConfigMgr names replaced', async () => {
  const { page, context, problems } = await openApp(shared.browser, shared.app.url, { viewport: { width: 1280, height: 1000 } });
  const cm = (msg, component, t) => `<![LOG[${msg}]LOG]!><time="${t}.120-60" date="11-03-2026" component="${component}" context="" type="1" thread="4120" file="x.cpp:10">\r\n`;
  const wmi = (cols, cls) => cm(`Collection: Namespace = \\\\.\\root\\cimv2; Query = SELECT __CLASS, __PATH, __RELPATH, ${cols} FROM ${cls}; Timeout = 600 secs.`, 'InventoryAgent', '10:00:00');
  const files = [
    file('InventoryAgent.log', wmi('DefaultIPGateway, DHCPEnabled, DHCPServer, DNSDomain, DNSHostName, Index, IPAddress, MACAddress', 'Win32_NetworkAdapterConfiguration')
      + wmi('Caption, Description, Manufacturer, Name, Version, SerialNumber', 'Win32_BIOS')),
    file('ccmsetup.log', cm("[KESTREL-PC-07] Running on 'Microsoft Windows 11 Enterprise' (10.0.22631). Service Pack (0.0).", 'ccmsetup', '08:00:01')
      + cm('Ccmsetup command line: ccmsetup.exe /mp:KESTREL-SRV-01 SMSSITECODE=KS1 FSP=KESTREL-SRV-01 CCMCERTISSUERS="CN=Kestrel Root CA; O=Kestrel Birds"', 'ccmsetup', '08:00:02')
      + cm('CcmSetup failed with error code 0x87d00454', 'ccmsetup', '08:00:07')),
    file('SCClient_KESTRELDOM@hawkins_1.log', cm('Software Center opened', 'SCClient', '10:10:00')),
  ];
  await drop(page, files);
  await waitForReport(page);
  await page.waitForFunction(() => /Replaced in the report's exports/.test(document.querySelector('[data-testid=share-preview]')?.textContent || ''));
  const said = await page.getByTestId('share-preview').innerText();
  assert.doesNotMatch(said, /Nothing can be shared/);
  assert.match(said, /1 site code \(SITE-n\)/);
  assert.match(said, /certificate names? \(CERT-n\)/);
  const buttons = page.locator('[data-testid=share] button');
  for (let i = 0; i < await buttons.count(); i++) assert.ok(await buttons.nth(i).isEnabled(), await buttons.nth(i).innerText());
  const names = ['kestrel', 'ks1', 'hawkins'];
  const json = await download(page, 'Download JSON');
  const text = json.bytes.toString('utf8').toLowerCase();
  assert.deepEqual(names.filter((n) => text.includes(n)), [], 'no ConfigMgr name in the JSON');
  assert.match(text, /0x87d00454/);
  const zip = await download(page, 'Download redacted logs');
  const listed = execFileSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print("\\n".join(n + "\\n" + z.read(n).decode() for n in z.namelist()))', zip.path]).toString().toLowerCase();
  assert.deepEqual(names.filter((n) => listed.includes(n)), [], `no ConfigMgr name in the zip:\n${listed}`);
  assert.match(listed, /scclient_host-\d+@user-1_1\.log/);
  assert.deepEqual(problems, []);
  await context.close();
});
