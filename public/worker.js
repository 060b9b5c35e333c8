// The analysis worker. Started once when the page loads (so analysing makes no request later)
// and reused for every analysis. It loads the same wasm module as the page, reads the dropped
// files in chunks (through a reading worker, one chunk ahead: see chunksOf), hands them to the
// Rust Session, and answers the page's requests. Between chunks it yields, so a cancel
// message is seen at once; every message about an analysis carries its generation number.
//
// Messages to the page are the externally tagged enum the page reads (web/src/bridge.rs,
// `FromWorker`): {ready: {version, warm_ms, scanners}}, {progress: {gen, progress}} (phases
// read, parse, decode, analyze, machine: web/src/messages.rs), {report: {gen, report}} (the
// report as the JSON texts of its parts: crates/wasm/src/report_parts.rs; so in `grew`),
// {reply: {id, response}}, {failed: {id, gen, message}}, {cancelled: {gen}}, {fleet: {gen, rows, wufb}}.
// Requests and responses are plain objects typed on both sides by crates/wasm/src/protocol.rs.
//
// A fleet ({type: 'fleet', machines}) is read machine by machine, each into its own Session that
// is freed once its row (a wulens_core::MachineRow) is taken: only one machine's text is in
// memory at a time, and the page keeps the rows and the File objects, never the text. The
// drop's Windows Update for Business reports exports (`exports`, picked by core's drop plan by
// their first bytes) are read after the rows and joined to them ({fleet: {..., wufb}}). A zip
// of bundles has its directory read once ({type: 'list_zip'}) and kept (see zipOf): the plan's
// questions about its members ({type: 'zip_heads'}), every machine read out of it and a machine
// opened later all go through that one directory; {fleet: {..., zip: {opens, fetched, size}}}
// says what the zip cost.
const CHUNK = 8 << 20;
let wasm = null;
let session = null;
let chain = Promise.resolve();
const cancelled = new Set();
let following = null; // the files being followed (see startFollowing)

const post = (m) => self.postMessage(m);

// Slices of files read by the reading worker (reader.js): read(file, start, end) resolves to an
// ArrayBuffer. Where that worker cannot be started, or fails, this thread reads instead.
let reader = null;
function startReader() {
  const here = (file, start, end) => file.slice(start, end).arrayBuffer();
  let w;
  try {
    w = new Worker('reader.js');
  } catch {
    return here;
  }
  const pending = new Map();
  let next = 0;
  let failed = false;
  w.onmessage = (ev) => {
    const { id, buffer, error } = ev.data;
    const p = pending.get(id);
    pending.delete(id);
    if (!p) return;
    if (error) {
      const e = new Error(error.message);
      e.name = error.name;
      p.reject(e);
    } else {
      p.resolve(buffer);
    }
  };
  w.onerror = (ev) => {
    ev.preventDefault();
    failed = true;
    for (const p of pending.values()) here(p.file, p.start, p.end).then(p.resolve, p.reject);
    pending.clear();
  };
  return (file, start, end) => {
    if (failed) return here(file, start, end);
    return new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { file, start, end, resolve, reject });
      w.postMessage({ id, file, start, end });
    });
  };
}

// The chunks of all `files`, in order, each an ArrayBuffer, with one chunk always being read
// ahead, across files too: the next chunk (or the next file's first) is read by the reading
// worker while the session decodes and parses this one, which it does as the records arrive.
// So reading and parsing overlap for one big file and for many small ones alike, and at most two
// chunks are in memory besides the text. take(i) resolves to the next chunk of file i, or null
// when it has no more; after a failed read, taking from the next file skips the rest of i.
function chunksOf(files) {
  const plan = [];
  files.forEach((f, i) => {
    for (let off = 0; off < f.file.size; off += CHUNK) plan.push({ i, file: f.file, off });
  });
  let k = 0;
  const readNext = () => {
    if (k >= plan.length) return null;
    const { i, file, off } = plan[k++];
    const buffer = reader(file, off, off + CHUNK);
    buffer.catch(() => {}); // a read ahead that is never taken (cancelled) must not be reported
    return { i, buffer };
  };
  let ahead = readNext();
  return {
    async take(i) {
      if (ahead && ahead.i < i) {
        while (k < plan.length && plan[k].i < i) k++;
        ahead = readNext();
      }
      if (!ahead || ahead.i !== i) return null;
      const current = ahead;
      ahead = readNext();
      return current.buffer;
    },
  };
}

// The scanning workers (scanner.js): as many as the page asks for (web/src/page.rs,
// scanners_for: the cores beyond two), each with its own instance of the wasm module, warmed at
// load like this worker. A big file's pieces, cut here as they arrive, are handed to them to be
// parsed and scanned for codes and literals (see scanPieces); where none is asked for, none can
// be started, or none is ready, this worker does everything itself, as before.
const MAX_SCANNERS = 3;
let scanners = null;
function startScanners(init) {
  const want = Math.max(0, Math.min(MAX_SCANNERS, Number(init.scanners) || 0));
  const all = [];
  let next = 0;
  const kill = (s) => {
    s.dead = true;
    for (const p of s.pending.values()) p.reject(new Error('scanning worker failed'));
    s.pending.clear();
    s.w.terminate();
  };
  const ready = [];
  for (let k = 0; k < want; k++) {
    let w;
    try {
      w = new Worker('scanner.js', { type: 'module' });
    } catch {
      break;
    }
    const s = { w, index: k, ready: false, dead: false, pending: new Map() };
    ready.push(new Promise((resolve) => {
      w.onmessage = (ev) => {
        const d = ev.data;
        if (d.ready || d.failed) {
          s.ready = !!d.ready;
          if (d.failed) kill(s);
          resolve();
          return;
        }
        const p = s.pending.get(d.id);
        s.pending.delete(d.id);
        if (!p) return;
        if (d.error) p.reject(new Error(d.error));
        else p.resolve(d.scan);
      };
      w.onerror = (ev) => {
        ev.preventDefault();
        kill(s);
        resolve();
      };
    }));
    const setUp = { type: 'init', glue: init.glue, module: init.module, wasm: init.wasm, samples: init.samples || [] };
    try {
      w.postMessage(setUp);
    } catch {
      // A browser that cannot pass a compiled module on: the scanner compiles it from its URL.
      w.postMessage({ ...setUp, module: null });
    }
    all.push(s);
  }
  return {
    // Resolves once every scanner is ready or has failed.
    ready: Promise.all(ready),
    live: () => all.filter((s) => s.ready && !s.dead),
    // Scan `text` (an ArrayBuffer, transferred) on scanner `s`: resolves to the findings.
    scan(s, job, text) {
      return new Promise((resolve, reject) => {
        const id = next++;
        s.pending.set(id, { resolve, reject });
        s.w.postMessage({ type: 'scan', id, job, text }, [text]);
      });
    },
  };
}

// The pieces of the files of session `s`, scanned by the scanning workers while the files are
// read. Who scans which piece is the session's (crates/wasm/src/schedule.rs, tested natively):
// this only pumps it. A piece whose scanner fails is scanned here.
function scanPieces(s) {
  const running = new Set();
  const live = () => session === s;
  const pump = () => {
    if (!live()) return;
    for (const sc of scanners.live()) {
      for (let job; (job = s.piece_for(sc.index)) !== null;) {
        const text = s.piece_text(job.file, job.part);
        if (!text) {
          s.piece_returned(sc.index);
          continue;
        }
        const p = scanners.scan(sc, job, text.buffer).then(
          (found) => {
            if (!live()) return;
            try {
              s.put_scan(job.file, job.part, new Uint8Array(found));
            } catch {
              s.scan_here(job.file, job.part);
            }
          },
          () => {
            if (live()) s.scan_here(job.file, job.part);
          },
        ).finally(() => {
          running.delete(p);
          if (!live()) return;
          s.piece_returned(sc.index);
          pump();
        });
        running.add(p);
      }
    }
  };
  return {
    // Queue the pieces cut since the last call and hand them out.
    take() {
      s.queue_pieces();
      pump();
    },
    // While the files are read: what the scanners cannot keep up with, this worker scans one
    // piece of at a time (the reading worker reads the next slice meanwhile).
    help() {
      s.scan_waiting_here();
    },
    // Every piece cut: this worker scans what no scanner has taken yet, then waits for the
    // scanners' last pieces.
    async finish(gen) {
      this.take();
      while (s.scan_waiting_here()) {
        await tick();
        if (cancelled.has(gen)) return;
      }
      while (running.size > 0) await Promise.race(running);
    },
  };
}

// Yield to the event loop without setTimeout's clamping.
const tick = () => new Promise((resolve) => {
  const ch = new MessageChannel();
  ch.port1.onmessage = () => resolve();
  ch.port2.postMessage(0);
});

self.onmessage = (ev) => {
  const m = ev.data;
  if (m.type === 'cancel') {
    cancelled.add(m.gen);
    return;
  }
  chain = chain.then(() => handle(m)).catch((e) => post({ failed: { id: m.id ?? null, gen: m.gen ?? null, message: String((e && e.message) || e) } }));
};

async function handle(m) {
  if (m.type === 'init') {
    reader = startReader(); // now, at load: analysing makes no request later
    wasm = await import(m.glue);
    // The page hands over its compiled module; the URL is the fallback.
    await wasm.default({ module_or_path: m.module || m.wasm });
    scanners = startScanners(m);
    const warm = warmUp(m.samples || []);
    // The scanners warm up on the other cores meanwhile; an analysis uses those that are ready.
    await Promise.race([scanners.ready, new Promise((resolve) => setTimeout(resolve, 3000))]);
    post({ ready: { version: wasm.version(), warm_ms: warm, scanners: scanners.live().length } });
  } else if (m.type === 'analyze') {
    await analyze(m.gen, m.files, m.errors || []);
  } else if (m.type === 'follow') {
    startFollowing(m.gen, m.targets || []);
  } else if (m.type === 'unfollow') {
    following = null;
  } else if (m.type === 'fleet') {
    await fleet(m.gen, m.machines, m.exports || []);
  } else if (m.type === 'zip_heads') {
    const dir = zipOf(m.file);
    post({ reply: { id: m.id, response: m.members.map((inner) => dir.head(inner)) } });
  } else if (m.type === 'analyze_member') {
    await analyzeMember(m.gen, m.file, m.inner);
  } else if (m.type === 'list_zip') {
    // A drop's zip is listed first: what reading zips costs is counted from here.
    zipCost.opens = 0;
    zipCost.fetched = 0;
    post({ reply: { id: m.id, response: zipOf(m.file, true).entries() } });
  } else if (m.type === 'redacted_zip') {
    if (!session) throw new Error('no analysis yet');
    post({ reply: { id: m.id, response: session.redacted_zip() } });
  } else if (m.type === 'forget') {
    // A saved report is shown: no session answers for logs that are not there.
    following = null;
    if (session) session.free();
    session = null;
  } else if (m.type === 'request') {
    if (!session) throw new Error('no analysis yet');
    post({ reply: { id: m.id, response: session.request(m.request) } });
  }
}

// A page's first analysis would otherwise run mostly in the engine's baseline code: V8 compiles
// WebAssembly quickly at first and optimises a function only once it has run a while (dynamic
// tiering), on other threads. Analysing the samples at load, each repeated, gets the hot code
// optimised before a person has chosen any logs. Measured on 100 MB drops in Chromium, time to
// the verdict, interleaved runs: 20 rounds made the first analysis 13-20 % faster than none, 60
// rounds 13-27 % faster again than 20 (more rounds, more functions past V8's threshold). It takes
// 0.25-0.4 s of this worker's time, before `ready`; a drop that comes meanwhile waits for it.
// Returns how long it took in ms, or null if it failed (only a warm-up: the analyses report
// their own errors).
const WARM_UP_ROUNDS = 60;
function warmUp(samples) {
  const t0 = performance.now();
  let s = null;
  try {
    s = new wasm.Session();
    for (const { path, bytes } of samples) {
      const h = s.begin_file(path, bytes.length * WARM_UP_ROUNDS);
      for (let k = 0; k < WARM_UP_ROUNDS; k++) s.push_chunk(h, bytes);
      s.end_file(h);
    }
    s.analyze();
    return samples.length > 0 ? performance.now() - t0 : null;
  } catch {
    return null;
  } finally {
    if (s) s.free();
  }
}

async function analyze(gen, files, errors) {
  following = null;
  if (session) session.free();
  session = new wasm.Session();
  for (const e of errors) session.add_warning(e.path, e.message);
  const total = files.reduce((n, f) => n + f.file.size, 0);
  let done = 0;
  let last = 0;
  const progress = (phase, f, i) => post({ progress: { gen, progress: { phase, file: f, index: i, files: files.length, done, total } } });
  const chunks = chunksOf(files);
  // Big files' pieces are scanned by the scanning workers while the files are read; each file
  // is ended once all its pieces are scanned, after the last is read.
  const pieces = scanners && scanners.live().length > 0 ? scanPieces(session) : null;
  session.set_delegate(pieces !== null);
  const unended = [];
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    const h = session.begin_file(f.path, f.file.size);
    try {
      for (let buf; (buf = await chunks.take(i)) !== null;) {
        session.push_chunk(h, new Uint8Array(buf));
        if (pieces) {
          pieces.take();
          pieces.help();
        }
        done += buf.byteLength;
        if (Date.now() - last > 50) {
          last = Date.now();
          progress('read', f.path, i);
        }
        await tick();
        if (cancelled.has(gen)) return stop(gen);
      }
    } catch (e) {
      session.add_warning(f.path, 'could not be read (' + ((e && e.name) || e) + '); it was skipped');
    }
    progress('parse', f.path, i);
    await tick();
    if (cancelled.has(gen)) return stop(gen);
    const decodeProgress = (step) => post({ progress: { gen, progress: { phase: 'decode', file: f.path, index: i, files: files.length, done: step.done, total: step.total } } });
    if (!(await decodeInSteps(session, gen, h, decodeProgress))) return stop(gen);
    if (pieces) {
      session.close_file(h);
      pieces.take();
      unended.push(h);
    } else {
      session.end_file(h);
    }
  }
  if (pieces) {
    await pieces.finish(gen);
    if (cancelled.has(gen)) return stop(gen);
    for (const h of unended) session.end_file(h);
  }
  progress('analyze', '', files.length);
  await tick();
  if (cancelled.has(gen)) return stop(gen);
  post({ report: { gen, report: session.analyze() } });
}

// A binary event log (.evtx) is decoded a 64 KiB chunk at a time (Session.decode_step), about
// DECODE_MS of chunks between yields: how far it is goes to the page ('decode': done and total
// are chunks; at its first step, every 50 ms and at its end), and a cancel is seen between
// steps. Any other file answers null at once (end_file decodes it). False when cancelled.
const DECODE_MS = 20;
async function decodeInSteps(s, gen, h, report) {
  let step = s.decode_step(h, 1);
  if (step === null) return true;
  let last = 0;
  for (;;) {
    const t0 = performance.now();
    while (!step.finished && performance.now() - t0 < DECODE_MS) step = s.decode_step(h, 1);
    if (step.finished || Date.now() - last > 50) {
      last = Date.now();
      report(step);
    }
    if (step.finished) return true;
    await tick();
    if (cancelled.has(gen)) return false;
  }
}

// Following growing logs (Chromium: File System Access handles). Once a second each followed
// file's size is checked; only the bytes it gained are read and handed to the session, which
// parses them onto the end of the file. A file that became shorter (rotated, truncated) is read
// again from its start. The report is rebuilt at most every 2 s, or less often when building it
// takes long (never more than a tenth of the time), so following never keeps the worker busy.
const FOLLOW_MS = 1000;

function startFollowing(gen, targets) {
  if (!session) throw new Error('no analysis to follow');
  const files = [];
  for (const t of targets) {
    const file = session.file_index(t.path);
    if (file !== undefined && t.handle) files.push({ path: t.path, handle: t.handle, file, size: t.size });
  }
  following = { gen, files, lastReport: Date.now(), reportCost: 0 };
  post({ following: { gen, paths: files.map((f) => f.path), total: session.settle().total } });
  schedule(following);
}

function schedule(f) {
  setTimeout(() => {
    chain = chain.then(() => poll(f)).catch((e) => post({ failed: { id: null, gen: f.gen, message: 'following stopped: ' + String((e && e.message) || e) } }));
  }, FOLLOW_MS);
}

async function poll(f) {
  if (following !== f || !session) return;
  let grew = false;
  const problems = [];
  for (const t of f.files) {
    let file;
    try {
      file = await t.handle.getFile();
    } catch (e) {
      problems.push(t.path + ': ' + ((e && e.name) || e));
      continue;
    }
    if (file.size < t.size) {
      session.restart(t.file, new Uint8Array(await file.arrayBuffer()));
      grew = true;
    } else if (file.size > t.size) {
      for (let off = t.size; off < file.size; off += CHUNK) {
        const end = Math.min(file.size, off + CHUNK);
        session.grow(t.file, new Uint8Array(await file.slice(off, end).arrayBuffer()));
      }
      grew = true;
    }
    t.size = file.size;
  }
  if (following !== f) return;
  if (grew) {
    const filtered = session.settle();
    let report = null;
    const now = Date.now();
    if (now - f.lastReport >= Math.max(2000, 10 * f.reportCost)) {
      const t0 = performance.now();
      report = session.page_report();
      f.reportCost = performance.now() - t0;
      f.lastReport = now;
      f.stale = false;
    } else {
      f.stale = true;
    }
    post({ grew: { gen: f.gen, count: filtered.count, total: filtered.total, report, problems } });
  } else if (f.stale && Date.now() - f.lastReport >= Math.max(2000, 10 * f.reportCost)) {
    // The last growth came too soon after a report: the report catches up now.
    f.stale = false;
    f.lastReport = Date.now();
    const filtered = session.settle();
    post({ grew: { gen: f.gen, count: filtered.count, total: filtered.total, report: session.page_report(), problems } });
  } else if (problems.join('\n') !== (f.problems || '')) {
    post({ grew: { gen: f.gen, count: null, total: null, report: null, problems } });
  }
  f.problems = problems.join('\n');
  schedule(f);
}

function stop(gen) {
  if (session) session.free();
  session = null;
  post({ cancelled: { gen } });
}

// What reading zips cost since the drop's zip was listed: the directories read and the bytes
// read, counted wherever a zip is read (readerOf, zipOf), for the fleet's message.
const zipCost = { opens: 0, fetched: 0 };

// A File read in place: (offset, length) -> Uint8Array (zips of bundles are never read whole).
const readerOf = (file) => {
  const reader = new FileReaderSync();
  return (off, len) => {
    const bytes = new Uint8Array(reader.readAsArrayBuffer(file.slice(off, off + len)));
    zipCost.fetched += bytes.length;
    return bytes;
  };
};

// The directory of the last zip listed, kept: a zip of bundles is listed once by the drop plan,
// then every machine of the fleet (and one opened later from the fleet page) is read out of it
// by name, never by listing the zip again. A File posted twice is two objects: the zip is known
// again by its name, size and time; `fresh` reads its directory again (a new drop's listing).
let zipKept = null;
function zipOf(file, fresh) {
  const key = file.name + '\u0000' + file.size + '\u0000' + file.lastModified;
  if (zipKept && zipKept.key === key && !fresh) return zipKept.dir;
  if (zipKept) zipKept.dir.free();
  zipKept = null;
  const dir = new wasm.ZipDirectory(file.size, readerOf(file));
  zipCost.opens++;
  zipKept = { key, dir, size: file.size };
  return dir;
}

// One machine's files into `s`: its own files, or its members inside a zip of bundles (`inner`).
// False when the run was cancelled meanwhile.
async function readMachine(s, gen, files, inner) {
  if (inner != null) {
    s.add_zip_members(zipOf(files[0].file), files[0].path, inner);
    return !cancelled.has(gen);
  }
  const chunks = chunksOf(files);
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    const h = s.begin_file(f.path, f.file.size);
    try {
      for (let buf; (buf = await chunks.take(i)) !== null;) {
        s.push_chunk(h, new Uint8Array(buf));
        await tick();
        if (cancelled.has(gen)) return false;
      }
    } catch (e) {
      s.add_warning(f.path, 'could not be read (' + ((e && e.name) || e) + '); it was skipped');
    }
    s.end_file(h);
  }
  return true;
}

// The fleet's exports read and joined to its rows (a wulens_core::WufbSection; null without
// exports). A file that cannot be read is named among the section's problems.
function wufbSection(exports, rows) {
  if (!exports.length) return null;
  const x = new wasm.WufbExports();
  try {
    for (const e of exports) {
      try {
        if (e.inner != null) x.add_member(zipOf(e.file), e.path, e.inner);
        else x.add_file(e.path, new Uint8Array(new FileReaderSync().readAsArrayBuffer(e.file)));
      } catch (err) {
        x.cannot_read(e.inner != null ? e.inner : e.path, String((err && err.message) || err));
      }
    }
    return x.join(rows);
  } finally {
    x.free();
  }
}

async function fleet(gen, machines, exports) {
  following = null;
  const total = machines.length;
  const rows = [];
  let last = 0;
  for (let i = 0; i < total; i++) {
    const m = machines[i];
    if (i === 0 || Date.now() - last > 50) {
      last = Date.now();
      post({ progress: { gen, progress: { phase: 'machine', file: m.machine, index: i, files: total, done: i, total } } });
    }
    const s = new wasm.Session();
    let done = true;
    try {
      done = await readMachine(s, gen, m.files, m.inner);
      if (done) rows.push(s.machine_row(m.machine, m.bundle));
    } catch (e) {
      // A bundle that cannot be read is a row that says why, never the end of the run.
      rows.push(wasm.unreadable_row(m.machine, m.bundle, String((e && e.message) || e)));
    } finally {
      s.free();
    }
    if (!done || cancelled.has(gen)) {
      // The current report (if any) stays usable: its session is kept.
      post({ cancelled: { gen } });
      return;
    }
    await tick();
  }
  // The fleet replaces the previous analysis on the page.
  if (session) session.free();
  session = null;
  const wufb = wufbSection(exports, rows);
  const inZip = machines.some((m) => m.inner != null) && zipKept;
  const zip = inZip ? { opens: zipCost.opens, fetched: zipCost.fetched, size: zipKept.size } : null;
  post({ fleet: { gen, rows, wufb, zip } });
}

// One machine of a zip of bundles, opened from the fleet page: a normal analysis of its members.
async function analyzeMember(gen, f, inner) {
  following = null;
  if (session) session.free();
  session = new wasm.Session();
  post({ progress: { gen, progress: { phase: 'read', file: f.path + '/' + inner, index: 0, files: 1, done: 0, total: f.file.size } } });
  await tick();
  try {
    await readMachine(session, gen, [f], inner);
  } catch (e) {
    session.add_warning(f.path + '/' + inner, String((e && e.message) || e));
  }
  if (cancelled.has(gen)) return stop(gen);
  post({ report: { gen, report: session.analyze() } });
}
