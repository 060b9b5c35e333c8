// Turns a drop (files, folders, zips) or a file picker's list into [{path, file}] with paths
// relative to what was dropped. Folder drops are walked here because only the page can read a
// DataTransfer; the File objects then go to the worker, which reads them.
export async function collectDropped(dataTransfer) {
  // Entries must be taken synchronously, before the first await.
  const items = [...dataTransfer.items].filter((i) => i.kind === 'file');
  const entries = items.map((i) => (i.webkitGetAsEntry ? i.webkitGetAsEntry() : null));
  // Chromium also gives File System Access handles, which can read a file again as it grows
  // (following a log). They too must be asked for before the first await.
  const handles = items.map((i) => (i.getAsFileSystemHandle ? i.getAsFileSystemHandle().catch(() => null) : null));
  const files = [];
  const errors = [];
  if (entries.length && entries.every((e) => e)) {
    for (const e of entries) await walk(e, '', files, errors);
  } else {
    for (const f of dataTransfer.files) files.push({ path: f.name, file: f });
  }
  await attachHandles(files, handles);
  return { files, errors };
}

// Give each collected file the handle of the same path, where the browser has handles.
async function attachHandles(files, handlePromises) {
  const byPath = new Map();
  for (const p of handlePromises) {
    const h = p && (await p);
    if (h) await walkHandle(h, '', byPath);
  }
  for (const f of files) {
    const h = byPath.get(f.path);
    if (h) f.handle = h;
  }
}

async function walkHandle(handle, prefix, byPath) {
  const path = prefix + handle.name;
  try {
    if (handle.kind === 'file') {
      byPath.set(path, handle);
    } else if (handle.kind === 'directory') {
      for await (const child of handle.values()) await walkHandle(child, path + '/', byPath);
    }
  } catch {
    // A folder that cannot be listed again: its files are still analysed, only not followed.
  }
}

// Whether this browser can open files to follow them (File System Access API).
export function canPickToFollow() {
  return typeof window.showOpenFilePicker === 'function';
}

// Let the user pick log files to follow; resolves like collectDropped, with handles.
export async function pickToFollow() {
  let handles;
  try {
    handles = await window.showOpenFilePicker({ multiple: true, id: 'wulens-follow' });
  } catch (e) {
    if (e && e.name === 'AbortError') return { files: [], errors: [], cancelled: true };
    throw e;
  }
  return readHandles(handles.map((h) => ({ path: h.name, handle: h })));
}

// The current content of files known by handle: [{path, handle}] → {files, errors}.
export async function readHandles(list) {
  const files = [];
  const errors = [];
  for (const { path, handle } of list) {
    try {
      files.push({ path, file: await handle.getFile(), handle });
    } catch (e) {
      errors.push({ path, message: 'could not be read again (' + ((e && e.name) || e) + ')' });
    }
  }
  return { files, errors };
}

export function collectInput(fileList) {
  return { files: [...fileList].map((f) => ({ path: f.webkitRelativePath || f.name, file: f })), errors: [] };
}

async function walk(entry, prefix, files, errors) {
  const path = prefix + entry.name;
  if (entry.isFile) {
    try {
      files.push({ path, file: await new Promise((res, rej) => entry.file(res, rej)) });
    } catch (e) {
      errors.push({ path, message: 'could not be read (' + (e && e.name || e) + '); it was skipped' });
    }
  } else if (entry.isDirectory) {
    const reader = entry.createReader();
    for (;;) {
      let batch;
      try {
        batch = await new Promise((res, rej) => reader.readEntries(res, rej));
      } catch (e) {
        errors.push({ path, message: 'folder could not be read (' + (e && e.name || e) + ')' });
        return;
      }
      if (!batch.length) break;
      for (const c of batch) await walk(c, path + '/', files, errors);
    }
  }
}

// Reports the page height to a parent frame, so a wiki can size an embedded view to its content.
export function reportHeight() {
  if (window.parent === window) return;
  const send = () => window.parent.postMessage({ wulensHeight: document.documentElement.scrollHeight }, '*');
  new ResizeObserver(send).observe(document.body);
  send();
}

export function download(name, mime, text) {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// The wasm module boot.js compiled once; the worker instantiates the same one (undefined if none).
export function compiledModule() {
  return globalThis.wulensModule;
}

// Resolves once the browser has drawn a frame: after the next animation frame, in a new task.
// A big page drawn in parts this way never blocks input for long.
export function afterPaint() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

// Resolves in a new task: work after it runs once the page has handled what is waiting.
export function nextTask() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
