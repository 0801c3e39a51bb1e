/**
 * Host ports for published container ports. Traffic is forwarded by DNAT rules (firewall.ts),
 * which never touch a socket; the daemon still binds every published port and holds it, so
 * that (like dockerd's port allocator and docker-proxy) a port already taken on the host
 * fails the container's start, no other program can take it later, and `-P` gets a free
 * port from the kernel. Nothing is ever served on these sockets.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { EngineError, errnoCode, invalidArgument } from '../core/errors.js';

export type Proto = 'tcp' | 'udp' | 'sctp';

export interface Reservation {
  proto: Proto;
  hostIp: string;
  port: number;
  close(): Promise<void>;
}

function listenTcp(host: string, port: number): Promise<{ port: number; close: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server: Server = createServer((s) => s.destroy());
    server.once('error', reject);
    server.listen({ host, port, exclusive: true, backlog: 1 }, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve({ port: typeof addr === 'object' && addr ? addr.port : port, close: () => new Promise<void>((r) => server.close(() => r())) });
    });
  });
}

function bindUdp(host: string, port: number): Promise<{ port: number; close: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const sock: UdpSocket = createSocket({ type: 'udp4' });
    sock.once('error', reject);
    sock.on('message', () => {});
    sock.bind({ address: host, port, exclusive: true }, () => {
      sock.off('error', reject);
      resolve({ port: sock.address().port, close: () => new Promise<void>((r) => sock.close(() => r())) });
    });
  });
}

/** Holds the daemon's port reservations and tells our own conflicts from the host's. */
export class PortReserver {
  private readonly held = new Map<string, Reservation>();

  private static key(proto: Proto, hostIp: string, port: number): string {
    return `${proto}/${hostIp}:${port}`;
  }

  private conflictsWithOurs(proto: Proto, hostIp: string, port: number): boolean {
    for (const r of this.held.values()) {
      if (r.proto === proto && r.port === port && (r.hostIp === hostIp || r.hostIp === '0.0.0.0' || hostIp === '0.0.0.0')) return true;
    }
    return false;
  }

  /**
   * Reserve `hostPort` ("" or "0": any free port; "8000-8010": the first free one in the range).
   * Errors carry Docker's messages.
   */
  async reserve(proto: Proto, hostIp: string, hostPort: string): Promise<Reservation> {
    const ip = hostIp || '0.0.0.0';
    if (proto === 'sctp') throw invalidArgument('publishing sctp ports is not supported by berth');
    const m = /^(\d+)(?:-(\d+))?$/.exec(hostPort);
    if (hostPort !== '' && !m) throw invalidArgument(`invalid hostPort: ${hostPort}`);
    const first = m ? Number(m[1]) : 0;
    const last = m?.[2] !== undefined ? Number(m[2]) : first;
    if (first > 65535 || last > 65535 || last < first) throw invalidArgument(`invalid hostPort: ${hostPort}`);
    let lastErr: unknown;
    for (let port = first; port <= last; port++) {
      if (port !== 0 && this.conflictsWithOurs(proto, ip, port)) {
        lastErr = new EngineError('Internal', `Bind for ${ip}:${port} failed: port is already allocated`);
        continue;
      }
      try {
        const got = await (proto === 'udp' ? bindUdp(ip, port) : listenTcp(ip, port));
        const key = PortReserver.key(proto, ip, got.port);
        const r: Reservation = {
          proto,
          hostIp: ip,
          port: got.port,
          close: async () => {
            if (this.held.get(key) === r) this.held.delete(key);
            await got.close();
          },
        };
        this.held.set(key, r);
        return r;
      } catch (e) {
        const code = errnoCode(e);
        if (code === 'EADDRNOTAVAIL') throw invalidArgument(`cannot publish on ${ip}: no such address on this host`, e);
        if (code !== 'EADDRINUSE' && code !== 'EACCES') throw e;
        lastErr = new EngineError(
          'Internal',
          `Error starting userland proxy: listen ${proto}4 ${ip}:${port}: bind: address already in use`,
          { cause: e },
        );
      }
    }
    throw lastErr;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.held.values()].map((r) => r.close()));
  }
}
