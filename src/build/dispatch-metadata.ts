/**
 * The instructions that only change the image config: ENV, LABEL, ARG, USER, EXPOSE, VOLUME,
 * STOPSIGNAL, HEALTHCHECK, ONBUILD, SHELL, CMD, ENTRYPOINT, MAINTAINER. Each still gets a
 * history entry (`empty_layer`) and a cache record, as Docker's builder gives them.
 */
import { invalidArgument } from '../core/errors.js';
import type { HealthConfig } from '../core/image-types.js';
import { parseSignal } from '../engine/containers/signals.js';
import type { BuildRun } from './build-run.js';
import type { CommandLine, Instruction } from './dockerfile/instructions.js';
import { goDuration, goQuote, goQuoteRune, parseGoDuration } from './go-format.js';
import { setEnv, type StageState } from './stage-state.js';

type Ins<K extends Instruction['kind']> = Extract<Instruction, { kind: K }>;

function lineError(ins: Instruction, msg: string): Error {
  return invalidArgument(`dockerfile line ${ins.node.startLine}: ${msg}`);
}

/** CMD/ENTRYPOINT/RUN argv: exec form as given, shell form through the stage's SHELL. */
export function commandArgs(st: StageState, cmd: CommandLine): string[] {
  return cmd.json ? [...cmd.args] : [...st.shell, cmd.text];
}

function goList(list: string[]): string {
  return `[${list.map(goQuote).join(' ')}]`;
}

export async function dispatchMetadata(run: BuildRun, st: StageState, ins: Instruction): Promise<void> {
  const lookup = st.lookup();
  const word = (s: string) => run.lex.processWord(s, lookup);
  switch (ins.kind) {
    case 'ENV': {
      const pairs = ins.pairs.map(([k, v]) => [word(k), word(v)] as const);
      for (const [k] of pairs) if (k === '') throw lineError(ins, 'ENV names can not be blank');
      const text = pairs.map(([k, v]) => `${k}=${v}`).join(' ');
      return run.commit(st, {
        createdBy: st.nop(` ENV ${text}`),
        key: ['ENV', pairs],
        apply: (s) => {
          for (const [k, v] of pairs) s.run.Env = setEnv(s.run.Env ?? [], k, v);
        },
      });
    }
    case 'LABEL': {
      const pairs = ins.pairs.map(([k, v]) => [word(k), word(v)] as const);
      return run.commit(st, {
        createdBy: st.nop(` LABEL ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`),
        key: ['LABEL', pairs],
        apply: (s) => {
          s.run.Labels = { ...(s.run.Labels ?? {}) };
          for (const [k, v] of pairs) s.run.Labels[k] = v;
        },
      });
    }
    case 'ARG': {
      const shown: string[] = [];
      for (const a of ins.args) {
        let value = a.value !== undefined ? word(a.value) : undefined;
        const given = run.buildArg(a.name);
        if (given !== undefined) value = given;
        else if (a.value === undefined && run.metaArgs.has(a.name)) value = run.metaArgs.get(a.name);
        st.args.set(a.name, value);
        shown.push(a.value !== undefined ? `${a.name}=${word(a.value)}` : a.name);
      }
      return run.commit(st, { createdBy: st.nop(` ARG ${shown.join(' ')}`), key: ['ARG', shown, st.argPairs()] });
    }
    case 'USER': {
      const user = word(ins.value);
      return run.commit(st, { createdBy: st.nop(` USER ${user}`), key: ['USER', user], apply: (s) => (s.run.User = user) });
    }
    case 'MAINTAINER': {
      const who = word(ins.value);
      return run.commit(st, { createdBy: st.nop(` MAINTAINER ${who}`), key: ['MAINTAINER', who], author: who });
    }
    case 'STOPSIGNAL': {
      const sig = word(ins.value);
      try {
        parseSignal(sig);
      } catch {
        throw lineError(ins, `Invalid signal: ${sig}`);
      }
      return run.commit(st, { createdBy: st.nop(` STOPSIGNAL ${sig}`), key: ['STOPSIGNAL', sig], apply: (s) => (s.run.StopSignal = sig) });
    }
    case 'EXPOSE': {
      const specs = ins.ports.flatMap((p) => run.lex.processWords(p, lookup));
      const ports = specs.flatMap((p) => expandPort(ins, p));
      return run.commit(st, {
        createdBy: st.nop(` EXPOSE ${[...specs].sort().join(' ')}`),
        key: ['EXPOSE', ports],
        apply: (s) => {
          s.run.ExposedPorts = { ...(s.run.ExposedPorts ?? {}) };
          for (const p of ports) s.run.ExposedPorts[p] = {};
        },
      });
    }
    case 'VOLUME': {
      const vols = ins.values.map((v) => word(v));
      for (const v of vols) if (v.trim() === '') throw lineError(ins, 'VOLUME specified can not be an empty string');
      return run.commit(st, {
        createdBy: st.nop(` VOLUME [${vols.join(' ')}]`),
        key: ['VOLUME', vols],
        apply: (s) => {
          s.run.Volumes = { ...(s.run.Volumes ?? {}) };
          for (const v of vols) s.run.Volumes[v] = {};
        },
      });
    }
    case 'HEALTHCHECK': {
      const hc = healthConfig(ins);
      const durs = [hc.Interval, hc.Timeout, hc.StartPeriod].map((d) => goQuote(goDuration(d ?? 0)));
      if (hc.StartInterval) durs.push(goQuote(goDuration(hc.StartInterval)));
      const text = `&{${goList(hc.Test ?? [])} ${durs.join(' ')} ${goQuoteRune(hc.Retries ?? 0)}}`;
      return run.commit(st, { createdBy: st.nop(` HEALTHCHECK ${text}`), key: ['HEALTHCHECK', hc], apply: (s) => (s.run.Healthcheck = hc) });
    }
    case 'ONBUILD': {
      const expr = ins.expression;
      return run.commit(st, {
        createdBy: st.nop(` ONBUILD ${expr}`),
        key: ['ONBUILD', expr],
        apply: (s) => (s.run.OnBuild = [...(s.run.OnBuild ?? []), expr]),
      });
    }
    case 'SHELL': {
      const shell = ins.shell;
      return run.commit(st, {
        createdBy: `${shell.join(' ')} #(nop)  SHELL [${shell.join(' ')}]`,
        key: ['SHELL', shell],
        apply: (s) => (s.run.Shell = [...shell]),
      });
    }
    case 'CMD': {
      const args = commandArgs(st, ins.cmd);
      st.cmdSet = true;
      return run.commit(st, { createdBy: st.nop(` CMD ${goList(args)}`), key: ['CMD', args], apply: (s) => (s.run.Cmd = args) });
    }
    case 'ENTRYPOINT': {
      const args = commandArgs(st, ins.cmd);
      const keepCmd = st.cmdSet;
      return run.commit(st, {
        createdBy: st.nop(` ENTRYPOINT ${goList(args)}`),
        key: ['ENTRYPOINT', args, keepCmd],
        apply: (s) => {
          s.run.Entrypoint = args;
          if (!keepCmd) s.run.Cmd = null;
        },
      });
    }
  }
  throw lineError(ins, `${ins.kind} is not a metadata instruction`);
}

function healthConfig(ins: Ins<'HEALTHCHECK'>): HealthConfig {
  if (ins.none) return { Test: ['NONE'] };
  const test = ins.cmd.json ? ['CMD', ...ins.cmd.args] : ['CMD-SHELL', ins.cmd.text];
  const hc: HealthConfig = { Test: test };
  const dur = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const ns = parseGoDuration(v);
    if (ns !== 0 && ns < 1e6) throw lineError(ins, `${name} cannot be less than 1ms`);
    return ns || undefined;
  };
  const interval = dur('Interval', ins.interval);
  const timeout = dur('Timeout', ins.timeout);
  const startPeriod = dur('StartPeriod', ins.startPeriod);
  const startInterval = dur('StartInterval', ins.startInterval);
  if (interval) hc.Interval = interval;
  if (timeout) hc.Timeout = timeout;
  if (startPeriod) hc.StartPeriod = startPeriod;
  if (startInterval) hc.StartInterval = startInterval;
  if (ins.retries !== undefined) {
    const r = Number(ins.retries);
    if (!Number.isInteger(r) || r < 0) throw lineError(ins, `--retries must be a non-negative integer, not ${ins.retries}`);
    if (r > 0) hc.Retries = r;
  }
  return hc;
}

/** `80`, `80/udp`, `8000-8002/tcp` → the ExposedPorts keys. */
function expandPort(ins: Instruction, spec: string): string[] {
  const m = /^(\d+)(?:-(\d+))?(?:\/(\w+))?$/.exec(spec);
  if (!m) throw lineError(ins, `Invalid containerPort: ${spec}`);
  const proto = (m[3] ?? 'tcp').toLowerCase();
  if (!['tcp', 'udp', 'sctp'].includes(proto)) throw lineError(ins, `Invalid proto: ${m[3]}`);
  const start = Number(m[1]);
  const end = m[2] ? Number(m[2]) : start;
  if (start < 1 || end > 65535 || end < start) throw lineError(ins, `Invalid containerPort: ${spec}`);
  const out: string[] = [];
  for (let p = start; p <= end; p++) out.push(`${p}/${proto}`);
  return out;
}
