// A static server for the built site that compresses text the way a static host does
// (gzip, when the browser asks for it), so that measured page weights are what readers get.
//
//   node tests/site/serve.mjs [_build/html] [port]     serve until interrupted
//   import { serve } from "./serve.mjs"               start one on a free port (tests)

import { createReadStream, promises as fs } from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".ipynb": "application/x-ipynb+json; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".webp": "image/webp",
  ".gif": "image/gif",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ttf": "font/ttf",
  ".inv": "application/octet-stream",
};
// Already-compressed formats are sent as they are, as static hosts do.
const COMPRESSIBLE = /^(text\/|application\/(json|xml|x-ipynb\+json)|image\/svg|font\/ttf)/;

/** Serve `root` on 127.0.0.1; resolves to {url, close()}. Port 0 picks a free one. */
export function serve(root, port = 0) {
  const base = path.resolve(root);
  const server = http.createServer(async (request, response) => {
    try {
      const url = new URL(request.url, "http://localhost");
      let file = path.join(base, decodeURIComponent(url.pathname));
      if (!file.startsWith(base)) throw Object.assign(new Error("outside"), { code: "ENOENT" });
      let stat = await fs.stat(file);
      if (stat.isDirectory()) {
        file = path.join(file, "index.html");
        stat = await fs.stat(file);
      }
      const type = TYPES[path.extname(file).toLowerCase()] || "application/octet-stream";
      const headers = { "Content-Type": type, "Cache-Control": "max-age=600" };
      const gzip = COMPRESSIBLE.test(type) && /\bgzip\b/.test(request.headers["accept-encoding"] || "");
      if (gzip) {
        const body = zlib.gzipSync(await fs.readFile(file), { level: 9 });
        response.writeHead(200, { ...headers, "Content-Encoding": "gzip", "Vary": "Accept-Encoding",
                                  "Content-Length": body.length });
        response.end(request.method === "HEAD" ? undefined : body);
      } else {
        response.writeHead(200, { ...headers, "Content-Length": stat.size });
        if (request.method === "HEAD") response.end();
        else createReadStream(file).pipe(response);
      }
    } catch (error) {
      const missing = error.code === "ENOENT" || error.code === "ENOTDIR";
      response.writeHead(missing ? 404 : 500, { "Content-Type": "text/plain; charset=utf-8" });
      response.end(missing ? "not found\n" : `error: ${error.message}\n`);
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const { port: bound } = server.address();
      resolve({
        url: `http://127.0.0.1:${bound}/`,
        close: () => new Promise((done) => { server.close(done); server.closeAllConnections(); }),
      });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = process.argv[2] || "_build/html";
  const { url } = await serve(root, Number(process.argv[3] || 8000));
  console.log(`serving ${root} with gzip at ${url}`);
}
