/**
 * COPY, ADD and WORKDIR: the instructions that write files without running anything. Sources
 * come from the build context (or `--from` a stage or image); the files are written by the
 * chrooted layer extractor inside the step's mounted root, so the destination — symlinks in
 * it included — resolves inside the image, never on the host.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { errnoCode, invalidArgument, notImplemented } from '../core/errors.js';
import { applyLayer } from '../layers/apply-layer.js';
import { decompressWith, detectCompression } from '../engine/images/stream-peek.js';
import { StepSnapshot } from '../engine/steps/step-snapshot.js';
import { secureJoin } from '../sys/secure-join.js';
import type { BuildRun } from './build-run.js';
import { copyArchive, entryType, type ArchiveItem } from './context/copy-archive.js';
import { SourceTree, type SourceEntry } from './context/source-tree.js';
import type { Instruction } from './dockerfile/instructions.js';
import { resolveRef } from './stage-plan.js';
import type { StageState } from './stage-state.js';

type CopyIns = Extract<Instruction, { kind: 'COPY' | 'ADD' }>;

interface Source {
  tree?: SourceTree;
  entry?: SourceEntry;
  /** Heredoc body or downloaded file. */
  data?: Buffer;
  file?: string;
  name?: string;
  mtime?: number;
  mode?: number;
  /** A local tar archive ADD extracts. */
  archive?: boolean;
}

function copyError(ins: Instruction, msg: string): Error {
  return invalidArgument(`${ins.kind} failed: ${msg}`);
}

/** WORKDIR: relative paths build on the current one; the directory is created (as Docker does). */
export async function dispatchWorkdir(run: BuildRun, st: StageState, ins: { value: string }): Promise<void> {
  const value = run.lex.processWord(ins.value, st.lookup());
  const dir = posix.normalize(value.startsWith('/') ? value : posix.join(st.run.WorkingDir || '/', value));
  await run.commit(st, {
    createdBy: st.nop(`WORKDIR ${dir}`),
    key: ['WORKDIR', dir],
    apply: (s) => (s.run.WorkingDir = dir),
    fs: async () => {
      const snap = await StepSnapshot.create(run.ctx, st.topLayer);
      try {
        const root = await snap.mount();
        await mkdir(await secureJoin(root, dir), { recursive: true, mode: 0o755 });
        return await snap.commit({ sourceDateEpoch: run.sourceDateEpoch, signal: run.signal });
      } finally {
        await snap.dispose();
      }
    },
  });
}

async function sourceTreeFor(run: BuildRun, ins: CopyIns, from: string): Promise<SourceTree> {
  const ref = resolveRef(run.dockerfile.stages, from, Number.MAX_SAFE_INTEGER, true);
  const state = ref.kind === 'stage'
    ? await run.stageResults.get(ref.index)!
    : ref.kind === 'image' ? await run.imageState(ref.ref, ins.node.startLine) : run.baseState('scratch');
  const root = await run.mountState(state);
  return new SourceTree(root, { strict: false, hashes: run.hashes, label: from });
}

async function isArchive(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await fh.read(head, 0, 512, 0);
    if (detectCompression(head) !== 'none' && detectCompression(head) !== 'zstd') return true;
    return bytesRead >= 262 && head.toString('latin1', 257, 262) === 'ustar';
  } finally {
    await fh.close();
  }
}

async function download(run: BuildRun, ins: CopyIns, url: string, dir: string): Promise<Source> {
  let res: Response;
  try {
    res = await fetch(url, { signal: run.signal });
  } catch (e) {
    throw copyError(ins, `cannot download ${url}: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`);
  }
  if (!res.ok || !res.body) throw copyError(ins, `failed to GET ${url} with status ${res.status} ${res.statusText}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `download-${createHash('sha256').update(url).digest('hex').slice(0, 16)}`);
  await pipeline(Readable.fromWeb(res.body as never), createWriteStream(file, { mode: 0o600 }));
  const lm = res.headers.get('last-modified');
  const mtime = lm && !Number.isNaN(Date.parse(lm)) ? Math.floor(Date.parse(lm) / 1000) : Math.floor(Date.parse(run.now()) / 1000);
  let name = posix.basename(new URL(url).pathname);
  if (name === '' || name === '/') name = '';
  return { file, name, mtime, mode: 0o600 };
}

async function resolveOwner(root: string, spec: string | undefined): Promise<{ uid: number; gid: number }> {
  if (!spec) return { uid: 0, gid: 0 };
  const [u = '', g] = spec.split(':', 2);
  const rows = async (f: string) => (await readFile(await secureJoin(root, f), 'utf8').catch(() => '')).split('\n').map((l) => l.split(':'));
  const lookupId = async (file: string, name: string, what: string): Promise<number> => {
    if (/^\d+$/.test(name)) return Number(name);
    const row = (await rows(file)).find((r) => r[0] === name);
    if (!row) throw invalidArgument(`unable to convert uid/gid chown string to host mapping: can't find ${what} with name ${name}`);
    return Number(row[2]);
  };
  const uid = await lookupId('/etc/passwd', u, 'uid');
  // Docker: a user without a group uses the same number as the group.
  const gid = g === undefined || g === '' ? uid : await lookupId('/etc/group', g, 'gid');
  return { uid, gid };
}

export async function dispatchCopy(run: BuildRun, st: StageState, ins: CopyIns): Promise<void> {
  const lookup = st.lookup();
  const word = (s: string) => run.lex.processWord(s, lookup);
  const from = ins.flags.from !== undefined ? word(ins.flags.from) : undefined;
  if (from !== undefined && ins.kind === 'ADD') throw invalidArgument(`dockerfile line ${ins.node.startLine}: ADD does not support --from`);
  const chown = ins.flags.chown !== undefined ? word(ins.flags.chown) : undefined;
  const chmodText = ins.flags.chmod !== undefined ? word(ins.flags.chmod) : undefined;
  let chmod: number | undefined;
  if (chmodText !== undefined) {
    if (!/^[0-7]{3,4}$/.test(chmodText)) throw invalidArgument(`dockerfile line ${ins.node.startLine}: invalid chmod parameter ${chmodText}`);
    chmod = parseInt(chmodText, 8);
  }
  const rawDest = word(ins.dest);
  const workdir = st.run.WorkingDir || '/';
  const destIsDir = rawDest.endsWith('/') || rawDest.endsWith('/.') || rawDest === '.';
  const dest = posix.normalize(rawDest.startsWith('/') ? rawDest : posix.join(workdir, rawDest));
  const destShown = destIsDir && !dest.endsWith('/') ? `${dest}/` : dest;

  const tree = from !== undefined ? await sourceTreeFor(run, ins, from) : run.context;
  const heredocs = new Map(ins.heredocs.map((h) => [h.name, h]));
  const sources: Source[] = [];
  const downloads = join(run.ctx.paths.dataRoot, 'build', 'contexts', `dl-${createHash('sha256').update(`${st.stateId}${ins.node.startLine}${Math.random()}`).digest('hex').slice(0, 16)}`);
  const cleanup: string[] = [];
  try {
    for (const raw of ins.sources) {
      const doc = /^<<-?["']?([A-Za-z_][A-Za-z0-9_]*)["']?$/.exec(raw);
      if (doc && heredocs.has(doc[1]!)) {
        const h = heredocs.get(doc[1]!)!;
        const content = h.expand ? word(h.content) : h.content;
        sources.push({ data: Buffer.from(content), name: h.name, mtime: Math.floor(Date.parse(run.now()) / 1000), mode: 0o644 });
        continue;
      }
      const src = word(raw);
      if (/^https?:\/\//i.test(src)) {
        if (ins.kind === 'COPY') throw copyError(ins, `source can't be a URL for COPY`);
        cleanup.push(downloads);
        const dl = await download(run, ins, src, downloads);
        if (!dl.name && !destIsDir) dl.name = posix.basename(dest);
        if (!dl.name) throw copyError(ins, `cannot determine filename from url: ${src}`);
        if (ins.flags.checksum) {
          const got = `sha256:${createHash('sha256').update(await readFile(dl.file!)).digest('hex')}`;
          if (got !== ins.flags.checksum) throw copyError(ins, `digest mismatch for ${src}: expected ${ins.flags.checksum}, got ${got}`);
        }
        sources.push(dl);
        continue;
      }
      if (/^git@|\.git(#.*)?$/.test(src)) throw notImplemented(`${ins.kind} of git repositories is not supported`);
      let entries: SourceEntry[];
      try {
        entries = await tree.expand(src);
      } catch (e) {
        throw copyError(ins, (e as Error).message);
      }
      for (const entry of entries) {
        const archive = ins.kind === 'ADD' && entry.st.isFile() && (await isArchive(entry.host));
        sources.push({ tree, entry, archive });
      }
    }
    if (sources.length > 1 && !destIsDir) {
      throw copyError(ins, `When using ${ins.kind} with more than one source file, the destination must be a directory and end with a /`);
    }
    // What the step depends on: the content of exactly the files it copies.
    const h = createHash('sha256');
    for (const s of sources) {
      if (s.entry) h.update(`e:${s.entry.rel}:${s.archive ? 'a' : ''}:${await s.tree!.digestOf([s.entry])}\n`);
      else if (s.data) h.update(`d:${s.name}:${createHash('sha256').update(s.data).digest('hex')}\n`);
      else h.update(`u:${s.name}:${createHash('sha256').update(await readFile(s.file!)).digest('hex')}\n`);
    }
    const digest = h.digest('hex');
    const single = sources.length === 1 ? sources[0]! : undefined;
    const kind = single?.entry?.st.isDirectory() ? 'dir' : single ? 'file' : 'multi';
    await run.commit(st, {
      createdBy: st.nop(`${ins.kind} ${kind}:${digest} in ${destShown} `),
      key: [ins.kind, dest, destIsDir, chown ?? null, chmod ?? null, digest],
      fs: async () => {
        const snap = await StepSnapshot.create(run.ctx, st.topLayer);
        try {
          const root = await snap.mount();
          const owner = { ...(await resolveOwner(root, chown)), mode: chmod };
          const items: ArchiveItem[] = [];
          const archives: Source[] = [];
          const destRel = dest.replace(/^\/+/, '');
          const join2 = (a: string, b: string) => (a ? (b ? `${a}/${b}` : a) : b);
          const destExistsAsDir = async () => {
            try {
              return (await stat(await secureJoin(root, dest))).isDirectory();
            } catch (e) {
              if (errnoCode(e) === 'ENOENT' || errnoCode(e) === 'ENOTDIR') return false;
              throw e;
            }
          };
          const intoDir = destIsDir || (await destExistsAsDir());
          const now = Math.floor(Date.parse(run.now()) / 1000);
          if (sources.some((s) => s.entry?.st.isDirectory() || destIsDir) && destRel !== '' && !(await destExistsAsDir())) {
            items.push({ name: destRel, type: 'dir', mode: 0o755, mtime: now });
          }
          for (const s of sources) {
            if (s.archive) {
              archives.push(s);
              continue;
            }
            if (!s.entry) {
              const name = intoDir ? join2(destRel, s.name!) : destRel;
              items.push({ name, type: 'file', mode: s.mode!, mtime: s.mtime!, ...(s.data ? { data: s.data } : { host: s.file }) });
              continue;
            }
            const e = s.entry;
            const mtime = (x: SourceEntry) => Number(x.st.mtimeNs / 1_000_000_000n);
            if (e.st.isDirectory()) {
              for (const c of await s.tree!.walk(e)) {
                const type = entryType(c.st);
                if (!type) continue;
                items.push({ name: join2(destRel, posix.relative(e.rel, c.rel)), host: c.host, st: c.st, type, mode: Number(c.st.mode & 0o7777n), mtime: mtime(c) });
              }
              continue;
            }
            const type = entryType(e.st);
            if (!type) throw copyError(ins, `${e.rel} is not a regular file, directory or symlink`);
            const name = intoDir ? join2(destRel, posix.basename(e.rel)) : destRel;
            if (name === '') throw copyError(ins, `cannot copy a file onto the root directory`);
            items.push({ name, host: e.host, st: e.st, type, mode: Number(e.st.mode & 0o7777n), mtime: mtime(e) });
          }
          if (items.length > 0) await applyLayer(root, copyArchive(items, owner), { whiteouts: 'direct', signal: run.signal });
          for (const a of archives) {
            const target = await secureJoin(root, dest);
            await mkdir(target, { recursive: true, mode: 0o755 });
            await applyLayer(target, await openArchive(a.entry!.host), { whiteouts: 'direct', signal: run.signal });
          }
          return await snap.commit({ sourceDateEpoch: run.sourceDateEpoch, signal: run.signal });
        } finally {
          await snap.dispose();
        }
      },
    });
  } finally {
    for (const d of cleanup) await rm(d, { recursive: true, force: true });
  }
}

async function openArchive(path: string): Promise<Readable> {
  const fh = await open(path, 'r');
  const head = Buffer.alloc(6);
  await fh.read(head, 0, 6, 0);
  await fh.close();
  const c = detectCompression(head);
  const raw = createReadStream(path);
  if (c === 'xz' || c === 'bzip2') return decompressWith(c, raw);
  return raw;
}
