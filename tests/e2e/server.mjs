// A tiny static file server for the browser tests: serves a folder (dist/) under a URL prefix,
// so tests can check that the app works under a sub-path, and counts the requests it serves.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.css': 'text/css', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.json': 'application/json',
  '.log': 'text/plain; charset=utf-8', '.png': 'image/png', '.md': 'text/markdown', '.webmanifest': 'application/manifest+json',
};

export function serve(root, { prefix = '/', port = 0, extra = {} } = {}) {
  const served = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    served.push(url.pathname);
    if (extra[url.pathname]) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(extra[url.pathname]);
      return;
    }
    if (!url.pathname.startsWith(prefix)) {
      res.writeHead(404).end('not under ' + prefix);
      return;
    }
    let rel = decodeURIComponent(url.pathname.slice(prefix.length));
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = path.join(root, rel);
    if (!file.startsWith(path.resolve(root)) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const { port: p } = server.address();
      resolve({ url: `http://127.0.0.1:${p}${prefix}`, origin: `http://127.0.0.1:${p}`, port: p, served, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

// `node server.mjs DIR [PORT] [PREFIX]`: serve by hand (the README's serve command uses trunk).
if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const [dir = '../../dist', port = '8080', prefix = '/'] = process.argv.slice(2);
  serve(path.resolve(dir), { port: Number(port), prefix }).then((s) => console.log('serving', dir, 'at', s.url));
}
