/**
 * RUN: the command runs in a container on the stage's current layers; what it changed becomes
 * the step's layer. `RUN --mount=type=cache|bind|tmpfs|secret` (BuildKit's syntax) is honoured,
 * so Dockerfiles written for BuildKit build unchanged. Heredocs run as scripts.
 */
import { createHash } from 'node:crypto';
import { chmod, chown, copyFile, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidArgument, notImplemented } from '../core/errors.js';
import type { ExtraMount } from '../oci/build-spec.js';
import { runStepProcess } from '../engine/steps/run-step-process.js';
import { StepSnapshot } from '../engine/steps/step-snapshot.js';
import { KeyLock } from '../store/key-lock.js';
import { native, UmountFlags } from '../sys/native.js';
import type { BuildRun } from './build-run.js';
import { CommandFailedError, PREDEFINED_ARGS } from './build-types.js';
import { SourceTree } from './context/source-tree.js';
import type { Instruction } from './dockerfile/instructions.js';
import { commandArgs } from './dispatch-metadata.js';
import { resolveRef } from './stage-plan.js';
import type { ImageState, StageState } from './stage-state.js';

type RunIns = Extract<Instruction, { kind: 'RUN' }>;

interface MountSpec {
  type: 'bind' | 'cache' | 'tmpfs' | 'secret' | 'ssh';
  target: string;
  source?: string;
  from?: string;
  readonly: boolean;
  id?: string;
  sharing: 'shared' | 'private' | 'locked';
  mode?: number;
  uid?: number;
  gid?: number;
  size?: number;
  required: boolean;
}

const cacheLocks = new KeyLock();

function mountError(ins: RunIns, msg: string): Error {
  return invalidArgument(`dockerfile line ${ins.node.startLine}: --mount: ${msg}`);
}

function parseMount(ins: RunIns, text: string): MountSpec {
  const m: Partial<MountSpec> & { type: MountSpec['type'] } = { type: 'bind', sharing: 'shared', readonly: false, required: false };
  let explicitRo: boolean | undefined;
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = (eq < 0 ? part : part.slice(0, eq)).toLowerCase();
    const v = eq < 0 ? undefined : part.slice(eq + 1);
    switch (k) {
      case 'type':
        if (!['bind', 'cache', 'tmpfs', 'secret', 'ssh'].includes(v ?? '')) throw mountError(ins, `unsupported mount type ${JSON.stringify(v)}`);
        m.type = v as MountSpec['type'];
        break;
      case 'target': case 'dst': case 'destination': m.target = v; break;
      case 'source': case 'src': m.source = v; break;
      case 'from': m.from = v; break;
      case 'id': m.id = v; break;
      case 'ro': case 'readonly': explicitRo = v === undefined || v === 'true'; break;
      case 'rw': case 'readwrite': explicitRo = !(v === undefined || v === 'true'); break;
      case 'sharing':
        if (!['shared', 'private', 'locked'].includes(v ?? '')) throw mountError(ins, `unsupported sharing value ${JSON.stringify(v)}`);
        m.sharing = v as MountSpec['sharing'];
        break;
      case 'mode': m.mode = parseInt(v ?? '', 8); if (Number.isNaN(m.mode)) throw mountError(ins, `invalid mode ${v}`); break;
      case 'uid': m.uid = Number(v); break;
      case 'gid': m.gid = Number(v); break;
      case 'size': m.size = Number(v); break;
      case 'required': m.required = v === undefined || v === 'true'; break;
      case 'env': break;
      default: throw mountError(ins, `unexpected key '${k}' in '${part}'`);
    }
  }
  if (m.type === 'secret' || m.type === 'ssh') {
    m.id ??= m.type === 'ssh' ? 'default' : m.target ? m.target.split('/').pop() : undefined;
    if (!m.id) throw mountError(ins, 'secret mount needs an id or a target');
    m.target ??= m.type === 'secret' ? `/run/secrets/${m.id}` : '/run/buildkit/ssh_agent.0';
  }
  if (!m.target) throw mountError(ins, 'mount target is required');
  // BuildKit: bind mounts are read-only unless rw is given; cache mounts are writable.
  m.readonly = explicitRo ?? (m.type === 'bind' || m.type === 'secret');
  return m as MountSpec;
}

function absTarget(st: StageState, target: string): string {
  if (target.startsWith('/')) return target;
  return `${(st.run.WorkingDir || '/').replace(/\/$/, '')}/${target}`;
}

/** The environment RUN sees: image env, then declared build args (ENV wins), then proxy args. */
function runEnv(run: BuildRun, st: StageState): string[] {
  const env = [...st.env];
  const has = (k: string) => env.some((e) => e.startsWith(`${k}=`));
  for (const kv of st.argPairs()) if (!has(kv.slice(0, kv.indexOf('=')))) env.push(kv);
  for (const name of PREDEFINED_ARGS) {
    const v = run.opts.buildArgs[name];
    if (v !== undefined && v !== null && !st.args.has(name) && !has(name)) {
      run.usedArgs.add(name);
      env.push(`${name}=${v}`);
    }
  }
  return env;
}

export async function dispatchRun(run: BuildRun, st: StageState, ins: RunIns): Promise<void> {
  const lookup = st.lookup();
  const mounts = ins.mounts.map((t) => parseMount(ins, run.lex.processWord(t, lookup)));
  const network = ins.network ?? (run.opts.network || 'default');
  if (!['default', 'bridge', 'none', 'host'].includes(network)) throw invalidArgument(`dockerfile line ${ins.node.startLine}: network mode ${JSON.stringify(network)} is not supported`);
  if (ins.security && ins.security !== 'sandbox') throw notImplemented(`dockerfile line ${ins.node.startLine}: RUN --security=${ins.security} is not supported`);
  let args: string[];
  let script: { name: string; content: string } | undefined;
  if (ins.cmd.json) args = commandArgs(st, ins.cmd);
  else if (ins.cmd.heredocs.length === 1 && /^<<-?["']?[A-Za-z_][A-Za-z0-9_]*["']?$/.test(ins.cmd.text.trim())) {
    // `RUN <<EOF`: the heredoc is the script; with a #! line it runs as its own program.
    const doc = ins.cmd.heredocs[0]!;
    if (doc.content.startsWith('#!')) {
      script = { name: doc.name, content: doc.content };
      args = [`/dev/.berth-heredoc-${doc.name}`];
    } else args = [...st.shell, doc.content];
  } else if (ins.cmd.heredocs.length > 0) {
    // The shell reads heredocs itself: hand it the command with the bodies.
    args = [...st.shell, [ins.cmd.text, ...ins.cmd.heredocs.map((h) => `${h.content}${h.name}`)].join('\n')];
  } else args = [...st.shell, ins.cmd.text];

  const argPairs = st.argPairs();
  const shown = args.join(' ');
  const createdBy = argPairs.length ? `|${argPairs.length} ${argPairs.join(' ')} ${shown}` : shown;
  const env = runEnv(run, st);
  // Sources of bind mounts are part of what the step depends on.
  const mountKeys: unknown[] = [];
  const bindSources: (ImageState | 'context' | undefined)[] = [];
  for (const m of mounts) {
    if (m.type === 'bind') {
      if (m.from) {
        const ref = resolveRef(run.dockerfile.stages, run.lex.processWord(m.from, lookup), Number.MAX_SAFE_INTEGER, true);
        const s = ref.kind === 'stage' ? await run.stageResults.get(ref.index)! : ref.kind === 'image' ? await run.imageState(ref.ref, ins.node.startLine) : run.baseState('scratch');
        bindSources.push(s);
        mountKeys.push([m, s.stateId]);
      } else {
        bindSources.push('context');
        const entries = await run.context.expand(m.source ?? '.');
        mountKeys.push([m, await run.context.digestOf(entries)]);
      }
    } else {
      bindSources.push(undefined);
      mountKeys.push(m.type === 'secret' ? { ...m, content: undefined } : m);
    }
  }
  const cwd = st.run.WorkingDir || '/';
  const user = st.run.User ?? '';

  await run.commit(st, {
    createdBy,
    key: ['RUN', args, env, user, cwd, network, mountKeys, script?.content ?? null],
    fs: async () => {
      const t0 = performance.now();
      const snap = await StepSnapshot.create(run.ctx, st.topLayer);
      const releases: (() => Promise<void>)[] = [];
      try {
        const extra: (ExtraMount & { kind: 'dir' | 'file' })[] = [];
        for (const [i, m] of mounts.entries()) {
          const mount = await prepareMount(run, st, ins, m, bindSources[i], snap.dir, i, releases);
          if (mount) extra.push(mount);
        }
        if (script) {
          const path = join(snap.dir, `heredoc-${script.name}`);
          await writeFile(path, script.content, { mode: 0o755 });
          extra.push({ destination: args[0]!, type: 'bind', source: path, options: ['rbind', 'ro'], kind: 'file' });
        }
        const id = snap.key.slice(-12);
        run.say(` ---> Running in ${id}\n`);
        const code = await runStepProcess(run.ctx, snap, {
          args,
          env,
          cwd,
          user,
          network: network as 'default',
          extraMounts: extra,
          signal: run.signal,
          onOutput: (stream, data) => run.say(stream === 'stderr' ? `\u001b[91m${data.toString()}\u001b[0m` : data.toString()),
        });
        const t1 = performance.now();
        if (code !== 0) throw new CommandFailedError(shown, code);
        const layer = await snap.commit({ sourceDateEpoch: run.sourceDateEpoch, signal: run.signal });
        run.ctx.log.debug('build step ran', { step: shown.slice(0, 80), runMs: Math.round(t1 - t0), commitMs: Math.round(performance.now() - t1) });
        run.say(`Removing intermediate container ${id}\n`);
        return layer;
      } finally {
        for (const r of releases) await r().catch(() => {});
        await snap.dispose();
      }
    },
  });
}

async function prepareMount(
  run: BuildRun,
  st: StageState,
  ins: RunIns,
  m: MountSpec,
  bindSource: ImageState | 'context' | undefined,
  runDir: string,
  index: number,
  releases: (() => Promise<void>)[],
): Promise<(ExtraMount & { kind: 'dir' | 'file' }) | undefined> {
  const destination = absTarget(st, m.target);
  const ro = m.readonly ? ['ro'] : ['rw'];
  switch (m.type) {
    case 'tmpfs':
      return { destination, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', ...(m.size ? [`size=${m.size}`] : []), 'mode=1777'], kind: 'dir' };
    case 'cache': {
      if (m.from) throw notImplemented(`dockerfile line ${ins.node.startLine}: --mount=type=cache,from= is not supported`);
      const id = m.id ?? destination;
      const dir = join(run.ctx.paths.dataRoot, 'build', 'cache-mounts', createHash('sha256').update(id).digest('hex').slice(0, 32));
      await mkdir(dir, { recursive: true, mode: m.mode ?? 0o755 });
      if (m.mode !== undefined) await chmod(dir, m.mode);
      if (m.uid !== undefined || m.gid !== undefined) await chown(dir, m.uid ?? 0, m.gid ?? 0);
      if (m.sharing === 'locked' || m.sharing === 'private') {
        // One step at a time uses a locked (or private) cache.
        let release!: () => void;
        const held = new Promise<void>((r) => (release = r));
        const acquired = new Promise<void>((r) => void cacheLocks.run(dir, () => (r(), held)));
        await acquired;
        releases.push(async () => release());
      }
      return { destination, type: 'bind', source: dir, options: ['rbind', 'rw'], kind: 'dir' };
    }
    case 'bind': {
      let source: string;
      if (bindSource === 'context') {
        const [entry] = await run.context.expand(m.source ?? '.');
        source = entry!.host;
      } else {
        const root = await run.mountState(bindSource as ImageState);
        const tree = new SourceTree(root, { strict: false, hashes: run.hashes, label: 'stage' });
        const [entry] = await tree.expand(m.source ?? '.');
        source = entry!.host;
      }
      const isDir = (await stat(source)).isDirectory();
      if (!m.readonly) {
        // A writable bind must not change its source: writes land in a throwaway copy.
        const scratch = join(runDir, `bind-${index}`);
        if (isDir) {
          for (const d of ['upper', 'work', 'merged']) await mkdir(join(scratch, d), { recursive: true, mode: 0o755 });
          const merged = join(scratch, 'merged');
          native().mount('overlay', merged, 'overlay', 0, `lowerdir=${source},upperdir=${join(scratch, 'upper')},workdir=${join(scratch, 'work')}`);
          releases.push(async () => native().umount2(merged, UmountFlags.DETACH));
          source = merged;
        } else {
          await mkdir(scratch, { recursive: true, mode: 0o700 });
          await copyFile(source, join(scratch, 'file'));
          source = join(scratch, 'file');
        }
      }
      return { destination, type: 'bind', source, options: ['rbind', ...ro], kind: isDir ? 'dir' : 'file' };
    }
    case 'secret': {
      const data = run.opts.secrets.get(m.id!);
      if (!data) {
        if (m.required) throw invalidArgument(`dockerfile line ${ins.node.startLine}: secret ${m.id} not found`);
        return undefined;
      }
      const path = join(runDir, `secret-${index}`);
      await writeFile(path, data, { mode: m.mode ?? 0o400 });
      if (m.uid !== undefined || m.gid !== undefined) await chown(path, m.uid ?? 0, m.gid ?? 0);
      return { destination, type: 'bind', source: path, options: ['rbind', 'ro'], kind: 'file' };
    }
    case 'ssh':
      if (m.required) throw notImplemented(`dockerfile line ${ins.node.startLine}: ssh forwarding is not supported`);
      return undefined;
  }
}
