#!/usr/bin/env node
// Serves the built app (build/) the way a plain static host does, for `npm start`:
// files as built, index.html at "/" and at "/index.html", the SPA fallback (index.html) for
// paths without a file extension, 404 for missing files, the cross-origin isolation headers
// the app needs for WASM threads, and the right types for .wasm and .webmanifest.
//   node scripts/serve.mjs [--root build] [--port 4173] [--host 127.0.0.1]
// PORT and HOST in the environment work too; port 0 picks a free port. Prints the URL.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream'
};

const HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'credentialless',
  'X-Content-Type-Options': 'nosniff'
};

const { values } = parseArgs({
  options: {
    root: { type: 'string', default: 'build' },
    port: { type: 'string', default: process.env.PORT ?? '4173' },
    host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' }
  }
});
const root = resolve(values.root);
try {
  await stat(join(root, 'index.html'));
} catch {
  console.error(`There is no built app in ${root}: run \`npm run build\` first.`);
  process.exit(1);
}

async function fileAt(path) {
  try {
    const info = await stat(path);
    if (info.isFile()) return { path, size: info.size };
    if (info.isDirectory()) return fileAt(join(path, 'index.html'));
  } catch {
    // not there
  }
  return null;
}

async function find(pathname) {
  const path = resolve(root, `.${pathname}`);
  if (path !== root && !path.startsWith(root + sep)) return { status: 403 };
  const file = await fileAt(path);
  if (file) return { status: 200, file };
  // An app route (no extension) gets the SPA shell; a missing asset is a 404.
  if (!extname(pathname)) {
    const shell = await fileAt(join(root, 'index.html'));
    if (shell) return { status: 200, file: shell };
  }
  return { status: 404 };
}

function cacheControl(pathname) {
  return pathname.startsWith('/_app/immutable/')
    ? 'public, max-age=31536000, immutable'
    : 'no-cache';
}

const server = createServer(async (req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', ...HEADERS }).end();
    return;
  }
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  } catch {
    res.writeHead(400, HEADERS).end('bad request');
    return;
  }
  const found = await find(pathname);
  if (found.status !== 200) {
    res
      .writeHead(found.status, { 'Content-Type': 'text/plain; charset=utf-8', ...HEADERS })
      .end(found.status === 404 ? `Not found: ${pathname}\n` : 'Forbidden\n');
    return;
  }
  res.writeHead(200, {
    'Content-Type': TYPES[extname(found.file.path)] ?? 'application/octet-stream',
    'Content-Length': found.file.size,
    'Cache-Control': cacheControl(pathname),
    ...HEADERS
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(found.file.path).pipe(res);
});

server.on('error', (error) => {
  console.error(`Cannot serve on ${values.host}:${values.port}: ${error.message}`);
  process.exit(1);
});

server.listen(Number(values.port), values.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : values.port;
  console.log(`Lathe is served from ${root} at http://${values.host}:${port}/`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
