// The reading worker: reads slices of the dropped files for the analysis worker (worker/read.rs) and
// hands each over as a transferred ArrayBuffer (no copy). Reading a Blob costs the reading
// thread time of its own; here that time overlaps the analysis worker's decoding and parsing of
// the chunk before. Requests: {id, file, start, end}; answers: {id, buffer} or {id, error}.
self.onmessage = (ev) => {
  const { id, file, start, end } = ev.data;
  let buffer;
  try {
    buffer = new FileReaderSync().readAsArrayBuffer(file.slice(start, end));
  } catch (e) {
    self.postMessage({ id, error: { name: (e && e.name) || 'Error', message: String((e && e.message) || e) } });
    return;
  }
  self.postMessage({ id, buffer }, [buffer]);
};
