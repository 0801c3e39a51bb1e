import type { Readable } from 'node:stream';
import { jsonMessages } from '../api/client/api-client.js';
import { StatusError } from './command.js';

interface JsonMessage {
  id?: string;
  status?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: Record<string, unknown>;
}

/**
 * Render Docker's JSON message stream as the docker CLI does: on a terminal one line per id,
 * rewritten in place (per-layer progress bars); otherwise plain lines, without the
 * byte-progress updates. An errorDetail ends the command with that message.
 */
export async function displayJsonMessages(
  body: Readable,
  out: NodeJS.WriteStream,
  opts: { tty?: boolean; onAux?: (aux: Record<string, unknown>) => void; errorPrefix?: string; errorStatus?: number } = {},
): Promise<void> {
  const tty = opts.tty ?? Boolean(out.isTTY);
  const lines = new Map<string, number>();
  let total = 0;
  for await (const raw of jsonMessages(body)) {
    const m = raw as JsonMessage;
    if (m.error || m.errorDetail) throw new StatusError(`${opts.errorPrefix ?? ''}${m.errorDetail?.message ?? m.error}`, opts.errorStatus ?? 1);
    if (m.aux) {
      opts.onAux?.(m.aux);
      continue;
    }
    if (m.stream !== undefined) {
      out.write(m.stream);
      continue;
    }
    if (m.status === undefined) continue;
    const hasProgress = m.progress !== undefined && m.progress !== '';
    if (!tty) {
      if (hasProgress) continue;
      out.write(m.id ? `${m.id}: ${m.status}\n` : `${m.status}\n`);
      continue;
    }
    const text = `${m.id ? `${m.id}: ` : ''}${m.status}${hasProgress ? ` ${m.progress}` : ''}`;
    if (m.id && lines.has(m.id)) {
      const up = total - lines.get(m.id)!;
      out.write(`\x1b[${up}A\r\x1b[2K${text}\r\x1b[${up}B`);
    } else {
      if (m.id) lines.set(m.id, total);
      out.write(`\x1b[2K${text}\n`);
      total++;
    }
  }
}
