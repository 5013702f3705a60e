/**
 * A local stand-in for the Hugging Face Hub: serves model directories the tests build at the
 * Hub's own paths (`/<owner>/<name>/resolve/main/<file>`), with Content-Length as the Hub sends
 * it, and records every path asked for. transformers.js reaches it through `env.remoteHost`.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface ModelHost {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

export async function startModelHost(root: string): Promise<ModelHost> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(url);
    const match = /^\/([^/]+)\/([^/]+)\/resolve\/main\/(.+)$/.exec(url);
    const file = match ? path.join(root, match[1]!, match[2]!, match[3]!) : null;
    if (!file || !file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Entry not found');
      return;
    }
    const body = fs.readFileSync(file);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
