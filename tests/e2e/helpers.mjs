// Shared helpers for the browser tests: Debian's Chromium through playwright-core, the built
// app served from dist/, real drops of files, and a count of network requests.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import { serve } from './server.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = process.env.WULENS_DIST || path.join(ROOT, 'dist');
export const FIXTURES = path.join(ROOT, 'tests/fixtures');
export const ARTIFACTS = path.join(ROOT, 'tests/e2e/artifacts');
/**
 * A main-thread task this long is a freeze anyone notices: the only time bound a browser test
 * asserts, whatever the machine's load. The fine figures (the longest task on a quiet machine)
 * are `./dev bench`'s; a test prints what it saw.
 */
export const FREEZE_MS = 1000;

/**
 * The real logs (never copied into the project), found as the Rust tests find them
 * (crates/testdata): `$WULENS_REALLOGS`, else ../shared/reallogs beside the repository; null
 * where that folder holds no README.md.
 */
export const REALLOGS = (() => {
  const dir = process.env.WULENS_REALLOGS || path.join(ROOT, '../shared/reallogs');
  return fs.existsSync(path.join(dir, 'README.md')) ? dir : null;
})();

/**
 * The options of a test that reads the real logs: where they are absent it is skipped (node
 * says so, with the reason) and counted in the file `$WULENS_LEFT_OUT` names, for the note
 * that closes `./dev test`. A test that runs never checks less for their absence.
 */
export function needsRealLogs() {
  if (REALLOGS) return {};
  if (process.env.WULENS_LEFT_OUT) fs.appendFileSync(process.env.WULENS_LEFT_OUT, `tests/e2e/${path.basename(process.argv[1] || '?')}\n`);
  return { skip: 'reads the real logs: set WULENS_REALLOGS, or put them at ../shared/reallogs beside the repository' };
}

/** A file or folder of the real logs: an error where they are absent. */
export function realLog(...parts) {
  if (!REALLOGS) throw new Error(`the real logs are not here: set WULENS_REALLOGS, or put them at ${path.join(ROOT, '../shared/reallogs')}`);
  return path.join(REALLOGS, ...parts);
}

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-quic', '--disable-sync', '--disable-default-apps', '--disable-extensions',
];

export async function launch() {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) {
    throw new Error(`${DIST}/index.html is missing: build the app first (./dev build)`);
  }
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

export async function startApp(opts = {}) {
  return serve(DIST, opts);
}

/// Open the app and wait until the Yew app is mounted.
/** One browser and one app server for a test file: started before its tests, closed after them. */
export function sharedApp() {
  const shared = { browser: null, app: null };
  before(async () => {
    shared.browser = await launch();
    shared.app = await startApp();
  });
  after(async () => {
    await shared.browser?.close();
    await shared.app?.close();
  });
  return shared;
}

// The service worker (offline copy, public/sw.js) is blocked unless a test asks for it
// (offline.test.mjs): its own-origin fetches at install are not the page's requests.
export async function openApp(browser, url, { viewport = { width: 1280, height: 800 }, bypassCSP = false, cores = null, serviceWorkers = 'block' } = {}) {
  const context = await browser.newContext({ viewport, bypassCSP, serviceWorkers });
  // A machine of `cores` logical cores, as the page sees it (the page decides how many scanning
  // workers to start from navigator.hardwareConcurrency: web/src/page.rs, scanners_for).
  if (cores) await context.addInitScript((n) => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => n }), cores);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await page.goto(url);
  await page.waitForSelector('#app[data-state="ready"]', { timeout: 30000 });
  // Outside embeds the analysis worker starts at load: wait for it, so that "after load" means it.
  if (!url.includes('#/embed/')) await page.waitForSelector('#app[data-worker="ready"]', { timeout: 30000 });
  return { page, context, problems };
}

/// Count every request the page (and its workers) makes from now on.
export function countRequests(page) {
  const seen = [];
  page.on('request', (r) => seen.push(r.url()));
  page.context().on('request', (r) => { if (!seen.includes(r.url())) seen.push(r.url()); });
  return seen;
}

/// Files of a fixture scenario as [{name, b64}].
export function fixtureFiles(scenario, names) {
  const dir = path.join(FIXTURES, scenario, 'logs');
  const list = names || fs.readdirSync(dir).sort();
  return list.map((name) => ({ name, b64: fs.readFileSync(path.join(dir, name)).toString('base64') }));
}

export function file(name, content) {
  const buf = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
  return { name, b64: buf.toString('base64') };
}

/// Drop files on an element the way a person does: dragenter, dragover, drop with a DataTransfer.
export async function drop(page, files, selector = '.dropzone') {
  await page.waitForSelector(selector);
  await page.evaluate(({ files, selector }) => {
    const dt = new DataTransfer();
    for (const f of files) {
      const bin = atob(f.b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], f.name, { type: 'text/plain' }));
    }
    const el = document.querySelector(selector);
    for (const type of ['dragenter', 'dragover', 'drop']) {
      el.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
    }
  }, { files, selector });
}

/// Choose files from disk without handing them to the app: a hidden input `#id` holds them (its
/// `files`), for a test or a benchmark to read or drop them itself.
export async function pickFiles(page, paths, id = 'picked') {
  await page.evaluate((id) => {
    const i = document.createElement('input');
    i.type = 'file';
    i.multiple = true;
    i.id = id;
    i.hidden = true;
    document.body.appendChild(i);
  }, id);
  await page.setInputFiles(`#${id}`, paths);
}

export async function waitForReport(page) {
  await page.waitForSelector('main.report[data-complete]', { timeout: 60000 });
}

export function artifact(name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

/// A zip with stored (uncompressed) members: enough to wrap the bundles into one zip of zips.
export function storedZip(entries) {
  const table = new Int32Array(256).map((_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c; });
  const crc32 = (buf) => { let c = -1; for (const b of buf) c = table[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ -1) >>> 0; };
  const parts = [];
  const central = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const n = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14); local.writeUInt32LE(data.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(n.length, 26);
    parts.push(local, n, data);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0); cen.writeUInt16LE(20, 4); cen.writeUInt16LE(20, 6);
    cen.writeUInt32LE(crc, 16); cen.writeUInt32LE(data.length, 20); cen.writeUInt32LE(data.length, 24); cen.writeUInt16LE(n.length, 28); cen.writeUInt32LE(offset, 42);
    central.push(cen, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// axe-core's serious and critical violations in the page (or in the element `selector` picks),
// each as `id: help (nodes) first targets`. The context needs bypassCSP to inject axe-core.
export async function seriousViolations(page, selector = null) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.addScriptTag({ content: AXE });
  return page.evaluate(async (sel) => {
    const r = await window.axe.run(sel ? document.querySelector(sel) : document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.length}) ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`);
  }, selector);
}
