import { StatusError, type Command } from '../../command.js';

interface Inspect {
  Name: string;
  NetworkSettings: { Ports: Record<string, { HostIp: string; HostPort: string }[] | null> | null };
}

function hostPort(b: { HostIp: string; HostPort: string }): string {
  const ip = b.HostIp.includes(':') ? `[${b.HostIp}]` : b.HostIp;
  return `${ip}:${b.HostPort}`;
}

const command: Command = {
  usage: 'CONTAINER [PRIVATE_PORT[/PROTO]]',
  description: 'List port mappings or a specific mapping for the container',
  flags: [],
  minArgs: 1,
  maxArgs: 2,
  async run(env, p) {
    const [ref, want] = p.args as [string, string?];
    const c = await env.client.json<Inspect>('GET', `/containers/${encodeURIComponent(ref)}/json`);
    const ports = c.NetworkSettings?.Ports ?? {};
    if (want) {
      const [port, proto = 'tcp'] = want.split('/');
      const key = `${port}/${proto}`;
      const list = ports[key];
      if (!list || list.length === 0) throw new StatusError(`Error: No public port '${key}' published for ${ref}`, 1);
      env.stdout.write(list.map((b) => `${hostPort(b)}\n`).join(''));
      return 0;
    }
    const lines: string[] = [];
    const keys = Object.keys(ports).sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10) || (a < b ? -1 : 1));
    for (const k of keys) for (const b of ports[k] ?? []) lines.push(`${k} -> ${hostPort(b)}`);
    env.stdout.write(lines.map((l) => `${l}\n`).join(''));
    return 0;
  },
};

export default command;
