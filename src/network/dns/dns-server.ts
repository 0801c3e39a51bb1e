/**
 * The embedded DNS server of a user-defined network (Docker's 127.0.0.11 resolver). It listens
 * on the network's gateway address, port 53, UDP and TCP; containers find it through their
 * /etc/resolv.conf. Names of containers, aliases and services are answered from berth's own
 * records (`lookup`); every other question is forwarded unchanged to the upstream resolvers
 * (the host's, or the container's --dns servers) and the answer relayed back.
 */
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../../core/logger.js';
import { buildAnswer, buildError, parseQuestion, RCODE, type Answer, type Question } from './dns-message.js';

export type Lookup = (q: Question, clientIp: string) => { answers: Answer[] } | { nxdomain: true } | { forward: string[] } | { refuse: true };

export interface DnsServerOptions {
  address: string;
  port?: number;
  lookup: Lookup;
  log: Logger;
  /** Per upstream try; the client retries after ~5 s anyway. */
  timeoutMs?: number;
}

/** "10.0.0.1", "10.0.0.1:5353" or "[::1]:53" → host and port. */
export function splitUpstream(s: string): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) return { host: v6[1]!, port: Number(v6[2] ?? 53) };
  const m = /^([^:]+):(\d+)$/.exec(s);
  return m ? { host: m[1]!, port: Number(m[2]) } : { host: s, port: 53 };
}

export class DnsServer {
  private udp?: UdpSocket;
  private tcp?: Server;
  private readonly conns = new Set<Socket>();

  constructor(private readonly opts: DnsServerOptions) {}

  /**
   * Listen on `port` (53 by default). With `fallback`, a port 53 another program holds on this
   * address (a resolver bound to 0.0.0.0) makes it listen on a free port instead; the caller
   * then redirects :53 there (see Firewall).
   */
  async start({ fallback = false } = {}): Promise<void> {
    try {
      await this.listen(this.opts.port ?? 53);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (!fallback || (code !== 'EADDRINUSE' && code !== 'EACCES')) throw e;
      await this.listen(0);
    }
  }

  private async listen(port: number): Promise<void> {
    const { address } = this.opts;
    const udp = createSocket({ type: 'udp4' });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind({ address, port, exclusive: true }, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    udp.on('error', (e) => this.opts.log.warn('dns: udp socket error', { address, error: e.message }));
    udp.on('message', (msg, rinfo) => void this.onUdp(msg, rinfo));
    this.udp = udp;
    const tcp = createServer((s) => this.onTcp(s));
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen({ host: address, port: udp.address().port, exclusive: true }, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
    } catch (e) {
      udp.close();
      this.udp = undefined;
      throw e;
    }
    this.tcp = tcp;
  }

  get port(): number {
    return this.udp?.address().port ?? 0;
  }

  async close(): Promise<void> {
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = undefined;
    this.tcp = undefined;
    for (const c of this.conns) c.destroy();
    if (udp) await new Promise<void>((r) => udp.close(() => r()));
    if (tcp) await new Promise<void>((r) => tcp.close(() => r()));
  }

  /** The answer bytes for one query (locally answered or forwarded). */
  async answer(query: Buffer, clientIp: string, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    const q = parseQuestion(query);
    if (!q) return buildError(query, RCODE.FORMERR);
    let r;
    try {
      r = this.opts.lookup(q, clientIp);
    } catch (e) {
      this.opts.log.warn('dns: lookup failed', { name: q.name, error: String(e) });
      return buildAnswer(query, q, RCODE.SERVFAIL, []);
    }
    if ('answers' in r) return buildAnswer(query, q, RCODE.NOERROR, r.answers);
    if ('nxdomain' in r) return buildAnswer(query, q, RCODE.NXDOMAIN, []);
    if ('refuse' in r || r.forward.length === 0) return buildAnswer(query, q, RCODE.SERVFAIL, []);
    for (const up of r.forward) {
      const reply = await (transport === 'udp' ? this.forwardUdp(query, up) : this.forwardTcp(query, up)).catch(() => undefined);
      if (reply) return reply;
    }
    return buildAnswer(query, q, RCODE.SERVFAIL, []);
  }

  private async onUdp(msg: Buffer, rinfo: RemoteInfo): Promise<void> {
    const out = await this.answer(msg, rinfo.address, 'udp');
    if (out && this.udp) this.udp.send(out, rinfo.port, rinfo.address);
  }

  private onTcp(s: Socket): void {
    this.conns.add(s);
    s.on('close', () => this.conns.delete(s));
    s.on('error', () => s.destroy());
    s.setTimeout(10_000, () => s.destroy());
    let buf = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const len = buf.readUInt16BE(0);
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        void this.answer(msg, s.remoteAddress?.replace(/^::ffff:/, '') ?? '', 'tcp').then((out) => {
          if (!out || s.destroyed) return;
          const len2 = Buffer.alloc(2);
          len2.writeUInt16BE(out.length);
          s.write(Buffer.concat([len2, out]));
        });
      }
    });
  }

  private forwardUdp(query: Buffer, upstream: string): Promise<Buffer | undefined> {
    const { host, port } = splitUpstream(upstream);
    return new Promise((resolve) => {
      const sock = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
      const done = (v: Buffer | undefined) => {
        clearTimeout(timer);
        sock.close();
        resolve(v);
      };
      const timer = setTimeout(() => done(undefined), this.opts.timeoutMs ?? 2000);
      sock.on('error', () => done(undefined));
      sock.on('message', (m) => {
        if (m.length >= 2 && m.readUInt16BE(0) === query.readUInt16BE(0)) done(m);
      });
      sock.send(query, port, host);
    });
  }

  private forwardTcp(query: Buffer, upstream: string): Promise<Buffer | undefined> {
    const { host, port } = splitUpstream(upstream);
    return new Promise((resolve) => {
      const s = connect({ host, port });
      let buf = Buffer.alloc(0);
      const done = (v: Buffer | undefined) => {
        clearTimeout(timer);
        s.destroy();
        resolve(v);
      };
      const timer = setTimeout(() => done(undefined), this.opts.timeoutMs ?? 2000);
      s.on('error', () => done(undefined));
      s.on('connect', () => {
        const len = Buffer.alloc(2);
        len.writeUInt16BE(query.length);
        s.write(Buffer.concat([len, query]));
      });
      s.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) done(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      });
      s.on('end', () => done(undefined));
    });
  }
}
