// An event log (.evtx) is decoded a 64 KiB chunk at a time in the worker (crates/wasm/src/worker/analyze.rs,
// decode_in_steps): the page hears how far it is ({progress} messages of phase 'decode', done and
// total in chunks), its progress panel says so in words, and a cancel stops the decoding midway.
// The worker's messages are recorded as the page receives them (a listener added to its Worker).
// Real logs are read in place from ../shared/reallogs/evidence; the big one is built in a
// temporary folder from 68's chunks (its record ids made unique), never kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sharedApp, openApp, waitForReport, countRequests, REALLOGS, needsRealLogs } from './helpers.mjs';

const shared = sharedApp();

const EVIDENCE = REALLOGS && path.join(REALLOGS, 'evidence');
const BITS = '68_Microsoft-Windows-Bits-Client%4Operational.evtx';

// The page, with every message its analysis worker posts recorded in `window.fromWorker`.
async function recordingApp() {
  const { page, context, problems } = await openApp(shared.browser, shared.app.url);
  await page.addInitScript(() => {
    window.fromWorker = [];
    const Native = window.Worker;
    window.Worker = class extends Native {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', (ev) => window.fromWorker.push(ev.data));
      }
    };
  });
  await page.reload();
  await page.waitForSelector('#app[data-worker="ready"]', { timeout: 30000 });
  return { page, context, problems };
}

const decodeSteps = (page, file) =>
  page.evaluate((file) => window.fromWorker.filter((m) => m.progress && m.progress.progress.phase === 'decode' && m.progress.progress.file === file).map((m) => m.progress.progress), file);

// `copies` times 68's seven chunks of events, the record ids of copy k raised by k * 1000 (in
// the chunk headers and in each record's header; no checksum is checked), after its file header.
function bigEventLog(copies) {
  const src = fs.readFileSync(path.join(EVIDENCE, BITS));
  const parts = [src.subarray(0, 4096)];
  for (let k = 0; k < copies; k++) {
    for (let c = 0; c < 7; c++) {
      const chunk = Buffer.from(src.subarray(4096 + c * 65536, 4096 + (c + 1) * 65536));
      const add = BigInt(k * 1000);
      for (let o = 8; o < 40; o += 8) chunk.writeBigUInt64LE(chunk.readBigUInt64LE(o) + add, o);
      const free = chunk.readUInt32LE(48);
      for (let o = 512; o + 24 <= free && chunk.readUInt32LE(o) === 0x2a2a;) {
        chunk.writeBigUInt64LE(chunk.readBigUInt64LE(o + 8) + add, o + 8);
        o += chunk.readUInt32LE(o + 4);
      }
      parts.push(chunk);
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wulens-evtx-'));
  const file = path.join(dir, 'Big-Bits.evtx');
  fs.writeFileSync(file, Buffer.concat(parts));
  return { file, chunks: copies * 7, done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

test('a dropped .evtx reports how far its decoding is, chunk by chunk', needsRealLogs(), async () => {
  const { page, context, problems } = await recordingApp();
  const requests = countRequests(page);
  await page.setInputFiles('input[aria-label="Choose log files"]', [path.join(EVIDENCE, '65_System.evtx')]);
  await waitForReport(page);
  assert.match(await page.getByTestId('verdict').innerText(), /0x80073CF9/);
  // Its 17 chunks (the size says so; the stale header says 2), counted up to the end.
  const steps = await decodeSteps(page, '65_System.evtx');
  assert.ok(steps.length >= 1, JSON.stringify(steps));
  assert.ok(steps.every((s) => s.total === 17), JSON.stringify(steps));
  assert.deepEqual(steps.map((s) => s.done), steps.map((s) => s.done).sort((a, b) => a - b));
  assert.equal(steps.at(-1).done, 17);
  assert.deepEqual(requests, []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a big .evtx: the panel says how far its events are read, and Cancel stops it midway', needsRealLogs(), async () => {
  const big = bigEventLog(60);
  try {
    const { page, context, problems } = await recordingApp();
    const requests = countRequests(page);
    await page.setInputFiles('input[aria-label="Choose log files"]', [big.file]);
    const said = new RegExp(`Reading the events of Big-Bits\\.evtx: \\d+ %[\\s\\S]*\\d+ of ${big.chunks} blocks of 64 KB`);
    await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('.progress-panel')?.innerText || ''), said.source, { timeout: 60000 });
    await page.click('.progress-panel button:has-text("Cancel")');
    await page.waitForSelector('.progress-panel', { state: 'detached' });
    await page.waitForFunction(() => window.fromWorker.some((m) => m.cancelled));
    // The worker stopped between two steps, before the last chunk, and made no report.
    const steps = await decodeSteps(page, 'Big-Bits.evtx');
    assert.ok(steps.length >= 1 && steps.every((s) => s.total === big.chunks), JSON.stringify(steps));
    assert.ok(steps.at(-1).done < big.chunks, `decoded to the end before the cancel was seen: ${JSON.stringify(steps.at(-1))}`);
    assert.ok(!(await page.evaluate(() => window.fromWorker.some((m) => m.report))));
    // The worker is free at once for the next drop.
    await page.setInputFiles('input[aria-label="Choose log files"]', [path.join(EVIDENCE, '65_System.evtx')]);
    await waitForReport(page);
    assert.match(await page.getByTestId('verdict').innerText(), /0x80073CF9/);
    assert.deepEqual(requests, []);
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    big.done();
  }
});
