import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { ApiError, jsonMessages, type Query } from '../../../api/client/api-client.js';
import { StatusError, type CliEnv, type Command } from '../../command.js';
import { UsageError } from '../../flags.js';
import { humanSize } from '../../format/human.js';
import { contextItems, packContext, readIgnore } from './build-context.js';

async function readStdin(env: CliEnv): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of env.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** `--secret id=x,src=path` / `id=x,env=VAR` → what the daemon mounts at /run/secrets/<id>. */
function secrets(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of list) {
    const kv = Object.fromEntries(spec.split(',').map((p) => {
      const i = p.indexOf('=');
      return i < 0 ? [p, ''] : [p.slice(0, i), p.slice(i + 1)];
    }));
    const id = kv.id;
    if (!id) throw new UsageError(`invalid secret ${spec}: id is required`);
    const src = kv.src ?? kv.source;
    if (src) out[id] = readFileSync(src).toString('base64');
    else if (kv.env ?? process.env[id] !== undefined) out[id] = Buffer.from(process.env[kv.env ?? id] ?? '').toString('base64');
    else throw new UsageError(`invalid secret ${spec}: src or env is required`);
  }
  return out;
}

function buildArgs(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of list) {
    const i = a.indexOf('=');
    if (i >= 0) out[a.slice(0, i)] = a.slice(i + 1);
    else if (process.env[a] !== undefined) out[a] = process.env[a]!;
  }
  // buildx passes the client's SOURCE_DATE_EPOCH on for reproducible builds.
  if (process.env.SOURCE_DATE_EPOCH && !('SOURCE_DATE_EPOCH' in out)) out.SOURCE_DATE_EPOCH = process.env.SOURCE_DATE_EPOCH;
  return out;
}

function labels(list: string[]): Record<string, string> {
  return Object.fromEntries(list.map((l) => {
    const i = l.indexOf('=');
    return i < 0 ? [l, ''] : [l.slice(0, i), l.slice(i + 1)];
  }));
}

async function isBerth(env: CliEnv): Promise<boolean> {
  const res = await env.client.raw('GET', '/_ping');
  res.body.resume();
  return String(res.headers.server ?? '').startsWith('berth/');
}

const command: Command = {
  usage: '[OPTIONS] PATH | URL | -',
  description: 'Build an image from a Dockerfile',
  flags: [
    { name: 'add-host', type: 'list', value: 'list', description: 'Add a custom host-to-IP mapping (host:ip)' },
    { name: 'build-arg', type: 'list', value: 'list', description: 'Set build-time variables' },
    { name: 'cache-from', type: 'list', value: 'strings', description: 'Images to consider as cache sources' },
    { name: 'file', short: 'f', type: 'string', description: "Name of the Dockerfile (Default is 'PATH/Dockerfile')" },
    { name: 'force-rm', type: 'bool', description: 'Always remove intermediate containers' },
    { name: 'iidfile', type: 'string', description: 'Write the image ID to the file' },
    { name: 'label', type: 'list', value: 'list', description: 'Set metadata for an image' },
    { name: 'network', type: 'string', default: 'default', description: 'Set the networking mode for the RUN instructions during build' },
    { name: 'no-cache', type: 'bool', description: 'Do not use cache when building the image' },
    { name: 'platform', type: 'string', description: 'Set platform if server is multi-platform capable' },
    { name: 'progress', type: 'string', default: 'auto', description: 'Set type of progress output (auto, plain, tty)' },
    { name: 'pull', type: 'bool', description: 'Always attempt to pull a newer version of the image' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Suppress the build output and print image ID on success' },
    { name: 'rm', type: 'bool', default: true, description: 'Remove intermediate containers after a successful build' },
    { name: 'secret', type: 'list', value: 'stringArray', description: 'Secret to expose to the build (id=mysecret,src=/local/secret)' },
    { name: 'tag', short: 't', type: 'list', value: 'list', description: "Name and optionally a tag in the 'name:tag' format" },
    { name: 'target', type: 'string', description: 'Set the target build stage to build.' },
  ],
  minArgs: 1,
  maxArgs: 1,
  async run(env, p) {
    const arg = p.args[0]!;
    const file = p.flags.file as string | undefined;
    const quiet = Boolean(p.flags.quiet);
    const progress = p.flags.progress as string;
    if (!['auto', 'plain', 'tty', 'quiet', 'rawjson'].includes(progress)) throw new UsageError(`invalid progress mode ${JSON.stringify(progress)}: use auto, plain or tty`);
    if (/^(https?|git):\/\/|^git@/.test(arg)) throw new StatusError(`unable to prepare context: remote build contexts (${arg}) are not supported by berth`, 1);
    const query: Query = {
      t: p.flags.tag as string[],
      buildargs: JSON.stringify(buildArgs(p.flags['build-arg'] as string[])),
      labels: JSON.stringify(labels(p.flags.label as string[])),
      nocache: Boolean(p.flags['no-cache']),
      pull: Boolean(p.flags.pull),
      q: quiet,
      rm: Boolean(p.flags.rm),
      forcerm: Boolean(p.flags['force-rm']),
      networkmode: p.flags.network as string,
      target: (p.flags.target as string | undefined) ?? undefined,
      platform: (p.flags.platform as string | undefined) ?? undefined,
      extrahosts: (p.flags['add-host'] as string[]).join(',') || undefined,
      cachefrom: JSON.stringify(p.flags['cache-from']),
    };
    const secretMap = secrets(p.flags.secret as string[]);
    const headers: Record<string, string> = Object.keys(secretMap).length
      ? { 'X-Berth-Build-Secrets': Buffer.from(JSON.stringify(secretMap)).toString('base64') }
      : {};

    const send = async (q: Query, body: { stream?: Readable | NodeJS.ReadableStream; bytes?: Buffer }) =>
      env.client.stream('POST', '/build', { query: q, headers, ...(body.bytes ? { rawBody: body.bytes } : { stream: body.stream as Readable }) });

    let res;
    if (arg === '-') {
      // stdin is a tar context or a lone Dockerfile; the daemon tells which.
      if (file === '-') throw new UsageError('invalid argument: can\'t use stdin for both build context and dockerfile');
      res = await send({ ...query, dockerfile: file }, { stream: env.stdin });
    } else {
      const dir = resolve(arg);
      let st;
      try {
        st = statSync(dir);
      } catch {
        throw new StatusError(`unable to prepare context: path "${arg}" not found`, 1);
      }
      if (!st.isDirectory()) throw new StatusError(`unable to prepare context: context must be a directory: ${dir}`, 1);
      const dfPath = file === '-' ? undefined : resolve(file ? file : `${dir}/Dockerfile`);
      let dockerfile: Buffer;
      try {
        dockerfile = file === '-' ? await readStdin(env) : readFileSync(dfPath!);
      } catch {
        throw new StatusError(`unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${dfPath}: no such file or directory`, 1);
      }
      // A berth daemon on this host reads the context directory in place; others get a tar.
      if (process.env.BERTH_BUILD_CONTEXT !== 'tar' && (await isBerth(env))) {
        const dst = statSync(dir, { bigint: true });
        try {
          res = await send({ ...query, contextdir: dir, contextdev: String(dst.dev), contextino: String(dst.ino) }, { bytes: dockerfile });
        } catch (e) {
          // A daemon that cannot see this directory (or is not berth) gets a tar instead.
          if (!(e instanceof ApiError) || ![409, 400, 404, 501].includes(e.status) || !/not visible|contextdir/.test(e.message)) throw e;
        }
      }
      if (!res) {
        const ignore = await readIgnore(dir);
        const inside = dfPath && !relative(dir, dfPath).startsWith('..') && !isAbsolute(relative(dir, dfPath));
        const extra = inside ? [] : [{ name: `.dockerfile.${randomBytes(10).toString('hex')}`, data: dockerfile }];
        const dockerfileName = inside ? relative(dir, dfPath!) : extra[0]!.name;
        const { items, tarSize } = await contextItems(dir, ignore);
        if (!quiet) env.stdout.write(`Sending build context to berth daemon  ${humanSize(tarSize + extra.reduce((n, e) => n + 512 + Math.ceil(e.data.length / 512) * 512, 0))}\n`);
        res = await send({ ...query, dockerfile: dockerfileName }, { stream: packContext(dir, items, extra) });
      }
    }
    let id = '';
    for await (const m of jsonMessages(res.body)) {
      const detail = m.errorDetail as { code?: number; message?: string } | undefined;
      if (m.error || detail) {
        throw new StatusError(String(detail?.message ?? m.error), detail?.code && detail.code > 0 ? detail.code : 1);
      }
      const aux = m.aux as { ID?: string } | undefined;
      if (aux?.ID) id = aux.ID;
      if (typeof m.stream === 'string') {
        if (quiet) {
          if (/^sha256:[a-f0-9]{64}\s*$/.test(m.stream)) id = m.stream.trim();
        } else env.stdout.write(m.stream);
      }
    }
    if (quiet && id) env.stdout.write(`${id}\n`);
    const iidfile = p.flags.iidfile as string | undefined;
    if (iidfile) {
      if (!id) throw new StatusError('cannot write --iidfile: the daemon did not report an image ID', 1);
      writeFileSync(iidfile, id);
    }
    return 0;
  },
};

export default command;
