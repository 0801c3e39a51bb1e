import { request } from 'node:http';
import { connect, type Socket } from 'node:net';

/** One Engine API request with a JSON body; the answer parsed when it is JSON. */
export function apiJson<T = unknown>(socketPath: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request({ socketPath, method, path, headers: data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, body: parsed as T });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** A raw HTTP/1.1 exchange on a fresh socket, for hijacked endpoints; resolves once the response head is in. */
export function rawRequest(
  socketPath: string,
  method: string,
  path: string,
  opts: { body?: unknown; upgrade?: boolean } = {},
): Promise<{ socket: Socket; status: number; head: string; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    const s = connect(socketPath);
    const data = opts.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(opts.body));
    let buf = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      s.off('data', onData);
      s.pause();
      const head = buf.subarray(0, end).toString();
      resolve({ socket: s, status: Number(head.split(' ')[1]), head, rest: buf.subarray(end + 4) });
    };
    s.on('data', onData);
    s.once('error', reject);
    s.write(
      `${method} ${path} HTTP/1.1\r\nHost: berth\r\nContent-Type: application/json\r\nContent-Length: ${data.length}\r\n` +
        (opts.upgrade ? 'Connection: Upgrade\r\nUpgrade: tcp\r\n' : '') +
        '\r\n',
    );
    s.write(data);
  });
}

/** Everything a socket sends until it closes, after `rest`. */
export function readToEnd(s: Socket, rest: Buffer = Buffer.alloc(0)): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks = [rest];
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('end', () => resolve(Buffer.concat(chunks)));
    s.on('close', () => resolve(Buffer.concat(chunks)));
    s.resume();
  });
}

/** Split a stdcopy stream into [stream id, text] frames. */
export function demux(buf: Buffer): [number, string][] {
  const out: [number, string][] = [];
  let off = 0;
  while (off + 8 <= buf.length) {
    const n = buf.readUInt32BE(off + 4);
    out.push([buf[off]!, buf.subarray(off + 8, off + 8 + n).toString()]);
    off += 8 + n;
  }
  return out;
}
