/**
 * Getting the build context to the builder: a tar stream (plain, gzip, bzip2, xz or zstd) is
 * extracted — inside a chroot, by the layer extractor — into a private directory; or, when the
 * client runs on the same host, the client's own directory is used in place (berth's CLI does
 * this: an unchanged context then costs nothing to "send"). A body that is not an archive is a
 * Dockerfile on its own (`docker build - < Dockerfile`).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { errnoCode, failedPrecondition, invalidArgument } from '../../core/errors.js';
import type { EngineContext } from '../../engine/engine-context.js';
import { decompressWith, detectCompression } from '../../engine/images/stream-peek.js';
import { applyLayer } from '../../layers/apply-layer.js';
import { secureJoin } from '../../sys/secure-join.js';
import type { ContextSource } from '../build-types.js';
import { IgnoreMatcher } from '../../core/dockerignore.js';

export interface OpenedContext {
  context: ContextSource;
  dockerfile: string;
}

const MAX_DOCKERFILE = 16 << 20;

async function readDockerfile(root: string, name: string): Promise<string> {
  for (const candidate of name === 'Dockerfile' ? ['Dockerfile', 'dockerfile'] : [name]) {
    try {
      const path = await secureJoin(root, candidate);
      const st = await stat(path);
      if (!st.isFile()) continue;
      if (st.size > MAX_DOCKERFILE) throw invalidArgument(`the Dockerfile (${name}) is larger than ${MAX_DOCKERFILE} bytes`);
      const text = await readFile(path, 'utf8');
      if (text.trim() === '') throw invalidArgument(`the Dockerfile (${name}) cannot be empty`);
      return text;
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT' && errnoCode(e) !== 'ENOTDIR') throw e;
    }
  }
  throw invalidArgument(`Cannot locate specified Dockerfile: ${name}`);
}

async function ignoreOf(root: string): Promise<IgnoreMatcher> {
  try {
    return IgnoreMatcher.parse(await readFile(join(root, '.dockerignore'), 'utf8'));
  } catch (e) {
    if (errnoCode(e) === 'ENOENT' || errnoCode(e) === 'EISDIR') return new IgnoreMatcher([]);
    throw e;
  }
}

/**
 * The first `n` bytes of a stream, and a stream of all of it. (Unlike peek, this works when the
 * whole body is shorter than `n`: a Dockerfile sent on its own.)
 */
async function readHead(input: Readable, n: number): Promise<{ head: Buffer; stream: Readable }> {
  const it = input[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    const b = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as string);
    chunks.push(b);
    size += b.length;
  }
  const head = Buffer.concat(chunks);
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as string);
    }
  }
  return { head: head.subarray(0, n), stream: Readable.from(all(), { objectMode: false }) };
}

function looksLikeTar(head: Buffer): boolean {
  if (head.length < 512) return head.length === 0;
  if (head.toString('latin1', 257, 262) === 'ustar') return true;
  // v7 tar: the header checksum is the only signature.
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : head[i]!;
  const stored = parseInt(head.toString('latin1', 148, 156).replace(/\0/g, ' ').trim(), 8);
  return stored === sum;
}

/** Extract an uploaded context under `<data-root>/build/contexts/`. */
export async function contextFromArchive(ctx: EngineContext, body: Readable, dockerfileName: string, signal?: AbortSignal): Promise<OpenedContext> {
  const dir = join(ctx.paths.dataRoot, 'build', 'contexts', randomBytes(12).toString('hex'));
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const release = () => rm(dir, { recursive: true, force: true });
  try {
    let { head, stream: source } = await readHead(body, 512);
    const c = detectCompression(head);
    if (c === 'xz' || c === 'bzip2') ({ head, stream: source } = await readHead(decompressWith(c, source), 512));
    if (detectCompression(head) === 'none' && !looksLikeTar(head)) {
      // Not an archive: the body is the Dockerfile itself, and the context is empty.
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of source) {
        size += (chunk as Buffer).length;
        if (size > MAX_DOCKERFILE) throw invalidArgument('the Dockerfile is too large');
        chunks.push(chunk as Buffer);
      }
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') throw invalidArgument('the Dockerfile cannot be empty');
      return { dockerfile: text, context: { root: dir, ignore: new IgnoreMatcher([]), hidden: new Set(), release } };
    }
    if (head.length > 0) await applyLayer(dir, source, { whiteouts: 'direct', signal });
    const dockerfile = await readDockerfile(dir, dockerfileName || 'Dockerfile');
    const hidden = new Set<string>();
    // The docker CLI sends a Dockerfile from outside the context (or stdin) as `.dockerfile.<random>`.
    if (/^\.dockerfile\.[0-9a-f]+$/.test(dockerfileName)) hidden.add(dockerfileName);
    return { dockerfile, context: { root: dir, ignore: await ignoreOf(dir), hidden, release } };
  } catch (e) {
    await release();
    throw e;
  }
}

/**
 * The client's own context directory (same host). `dev`/`ino` are what the client saw: when
 * they do not match, the daemon does not see the same filesystem, and the client sends a tar.
 */
export async function contextFromDirectory(path: string, dev: string, ino: string, dockerfile: string): Promise<OpenedContext> {
  if (!path.startsWith('/')) throw invalidArgument(`context directory must be absolute: ${path}`);
  let st;
  try {
    st = await stat(path, { bigint: true });
  } catch {
    throw failedPrecondition(`context directory ${path} is not visible to the daemon`);
  }
  if (!st.isDirectory() || String(st.dev) !== dev || String(st.ino) !== ino) {
    throw failedPrecondition(`context directory ${path} is not visible to the daemon`);
  }
  if (dockerfile.trim() === '') throw invalidArgument('the Dockerfile cannot be empty');
  return { dockerfile, context: { root: path, ignore: await ignoreOf(path), hidden: new Set(), release: async () => {} } };
}
