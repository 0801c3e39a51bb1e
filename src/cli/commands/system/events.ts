import { createInterface } from 'node:readline';
import type { Command } from '../../command.js';
import { UsageError } from '../../flags.js';
import { compileTemplate } from '../../format/go-template.js';
import { GO_MARSHAL_JSON } from '../../format/go-value.js';
import { filtersQuery } from '../filters-flag.js';
import { sinceValue } from '../time-flag.js';

interface EventMessage {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> | null };
  time: number;
  timeNano: number;
}

/** docker's default line: RFC 3339 with nanoseconds (fixed width), type, action, actor, sorted attributes. */
export function eventLine(e: EventMessage): string {
  const ns = BigInt(e.timeNano);
  const iso = new Date(Number(ns / 1_000_000n)).toISOString().slice(0, 19);
  const stamp = `${iso}.${String(ns % 1_000_000_000n).padStart(9, '0')}Z`;
  const attrs = Object.entries(e.Actor.Attributes ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const tail = attrs.length ? ` (${attrs.map(([k, v]) => `${k}=${v}`).join(', ')})` : '';
  return `${stamp} ${e.Type} ${e.Action} ${e.Actor.ID}${tail}`;
}

/** What a template sees: docker's events.Message struct field names; {{json .}} gives the wire JSON. */
function templateData(e: EventMessage & { status?: string; id?: string; from?: string; scope?: string }, line: string): object {
  const data = { Status: e.status ?? '', ID: e.id ?? '', From: e.from ?? '', Type: e.Type, Action: e.Action, Actor: e.Actor, Scope: e.scope ?? '', Time: e.time, TimeNano: e.timeNano };
  Object.defineProperty(data, GO_MARSHAL_JSON, { enumerable: false, value: () => line });
  return data;
}

const command: Command = {
  usage: '[OPTIONS]',
  description: 'Get real time events from the server',
  flags: [
    { name: 'filter', short: 'f', type: 'list', value: 'filter', description: 'Filter output based on conditions provided' },
    { name: 'format', type: 'string', description: "Format output using a custom template: 'json' or a Go template" },
    { name: 'since', type: 'string', description: 'Show all events created since timestamp' },
    { name: 'until', type: 'string', description: 'Stream events until this timestamp' },
  ],
  maxArgs: 0,
  async run(env, p) {
    const format = p.flags.format as string | undefined;
    let tmpl;
    try {
      tmpl = format ? compileTemplate(format === 'json' ? '{{json .}}' : format) : undefined;
    } catch (e) {
      throw new UsageError(`template parsing error: ${(e as Error).message}`);
    }
    const r = await env.client.raw('GET', '/events', {
      query: {
        since: sinceValue(p.flags.since as string | undefined, '--since'),
        until: sinceValue(p.flags.until as string | undefined, '--until'),
        filters: filtersQuery(p.flags.filter as string[] | undefined),
      },
    });
    if (r.status !== 200) {
      let text = '';
      for await (const chunk of r.body) text += String(chunk);
      let message = text.trim();
      try {
        message = (JSON.parse(text) as { message: string }).message;
      } catch {
        /* not JSON */
      }
      env.stderr.write(`Error response from daemon: ${message}\n`);
      return 1;
    }
    process.once('SIGINT', () => r.body.destroy());
    try {
      for await (const line of createInterface({ input: r.body })) {
        if (!line.trim()) continue;
        const e = JSON.parse(line) as EventMessage;
        env.stdout.write(`${tmpl ? tmpl.execute(templateData(e, line.trim())) : eventLine(e)}\n`);
      }
    } catch {
      /* the stream was closed (interrupt) */
    }
    return 0;
  },
};

export default command;
