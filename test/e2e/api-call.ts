import { request } from 'node:http';

export interface ApiReply {
  status: number;
  text: string;
  json<T = unknown>(): T;
}

/** One Engine API request over the daemon's socket, the whole reply buffered. */
export function apiCall(socket: string, method: string, path: string, body?: unknown): Promise<ApiReply> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers = data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {};
    const req = request({ socketPath: socket, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode!, text, json: <T>() => JSON.parse(text) as T });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** Read the first `n` newline-delimited JSON values of a streaming endpoint, then hang up. */
export function apiStreamLines(socket: string, path: string, n: number, timeoutMs = 15_000): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const out: unknown[] = [];
    let buf = '';
    const req = request({ socketPath: socket, method: 'GET', path }, (res) => {
      res.on('data', (c: Buffer) => {
        buf += c.toString();
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.trim()) out.push(JSON.parse(line));
          if (out.length === n) {
            clearTimeout(timer);
            req.destroy();
            resolve(out);
            return;
          }
        }
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`only ${out.length} of ${n} lines from ${path}`));
    }, timeoutMs);
    req.on('error', (e) => {
      if (out.length < n) reject(e);
    });
    req.end();
  });
}
