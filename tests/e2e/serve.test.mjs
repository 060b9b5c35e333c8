// `wulens serve`: the page from inside the binary, the Linux build and wulens.exe under Wine (when
// ./dev test gives it: WULENS_EXE, WINE), driven like the static site: it loads, analyzes a drop,
// makes no request after load, and every response carries the static site's
// Content-Security-Policy. The binaries must be built with the page in them (`--features site`,
// which ./dev test does after building dist/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { launch, openApp, drop, fixtureFiles, waitForReport, countRequests, ROOT, DIST } from './helpers.mjs';

const BIN = process.env.WULENS_BIN || path.join(ROOT, 'target/debug/wulens');
const EXE = process.env.WULENS_EXE;
const WINE = process.env.WINE || '/usr/lib/wine/wine64';

/** Start `command args` and wait for the address it prints; it is stopped when the file ends. */
function serve(command, args, env = {}) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address after 60 s: ${out} ${err}`)), 60000);
    child.stderr.on('data', (d) => { err += d; });
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[0], child });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${err}`));
    });
  });
}

function stop(server) {
  if (!server) return;
  server.child.removeAllListeners('exit');
  server.child.kill('SIGKILL');
}

const CSP = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8').match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)[1];
const WASM = fs.readdirSync(DIST).find((f) => f.endsWith('.wasm'));

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function theServedPageWorks(server) {
  // Loopback only, on a port the system picked.
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  for (const [file, type] of [['', /^text\/html/], [WASM, /^application\/wasm$/]]) {
    const r = await fetch(server.url + file);
    await r.arrayBuffer();
    assert.equal(r.status, 200, file);
    assert.match(r.headers.get('content-type'), type, file);
    assert.equal(r.headers.get('content-security-policy'), CSP, file);
  }
  const missing = await fetch(server.url + 'no-such-file.js');
  await missing.arrayBuffer();
  assert.equal(missing.status, 404);

  const { page, context, problems } = await openApp(browser, server.url);
  const requests = countRequests(page);
  await drop(page, fixtureFiles('fail-step3-proxy-407'));
  await waitForReport(page);
  assert.match(await page.getByTestId('verdict').innerText(), /0x8024401B/);
  assert.deepEqual(requests, []);
  assert.deepEqual(problems, []);
  await context.close();
}

test('the Linux build serves the page it was built with', async () => {
  assert.ok(fs.existsSync(BIN), `${BIN} is missing: cargo build -p wulens-cli --features site (./dev test does)`);
  let server;
  try {
    server = await serve(BIN, ['serve', '--no-open']);
    await theServedPageWorks(server);
  } finally {
    stop(server);
  }
});

test('wulens.exe under Wine serves the same page', { skip: !(EXE && fs.existsSync(EXE)) && 'no wulens.exe (./dev test builds it)' }, async () => {
  let server;
  try {
    server = await serve(WINE, [EXE, 'serve', '--no-open'], {
      WINEPREFIX: path.join(ROOT, 'target/wine/prefix'), WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=',
    });
    await theServedPageWorks(server);
  } finally {
    stop(server);
  }
});
