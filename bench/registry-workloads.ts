import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { makeTar } from '../src/layers/layer-fixtures.js';
import { LocalRegistry } from '../test/e2e/registry-harness.js';
import { buildImage, uploadImage, type LayerBlob } from '../test/e2e/registry-fixtures.js';
import type { CmdResult, Engine } from './engines.js';
import { succeeded, type BenchContext, type Workload } from './workload.js';

const REPO = 'bench/app';
const LAYER_BYTES = 25 << 20;

const ms = (r: CmdResult, what: string) => succeeded(r, what).ms;

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A ~25 MB gzip layer: 3 files of random bytes, 2 of repeated text. */
async function makeLayer(i: number): Promise<LayerBlob> {
  const entries = [];
  for (let f = 0; f < 5; f++) {
    const size = LAYER_BYTES / 5;
    const line = `layer ${i} file ${f} line of text with some words\n`;
    const content = f < 3 ? randomBytes(size) : Buffer.from(line.repeat(Math.ceil(size / line.length))).subarray(0, size);
    entries.push({ name: `layer${i}/file${f}`, content });
  }
  const tar = await makeTar(entries);
  const bytes = gzipSync(tar, { level: 1 });
  return { bytes, digest: sha(bytes), mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', diffId: sha(tar) };
}

/** Upload the 100 MB, 4-layer image into the shared registry; returns its reference. */
export async function seedRegistry(host: string): Promise<string> {
  const layers: LayerBlob[] = [];
  for (let i = 0; i < 4; i++) layers.push(await makeLayer(i));
  await uploadImage(host, REPO, '1', buildImage(layers, { oci: false }));
  return `${host}/${REPO}:1`;
}

const ref = (ctx: BenchContext) => `${ctx.registry}/${REPO}:1`;

/** Pull and push through docker CLI 28 against each daemon. */
export const registryWorkloads: Workload[] = [
  {
    id: 'pull-100mb',
    title: 'pull of a 100 MB, 4-layer image from a loopback registry',
    unit: 'ms',
    target: 1.0,
    maxRuns: 5,
    measure: async (e, ctx) => {
      await e.docker(['rmi', '-f', ref(ctx)]);
      return ms(await e.docker(['pull', '-q', ref(ctx)]), 'pull');
    },
    limit: 'each layer is downloaded and verified, then read back, gunzipped and parsed in node and written by a chrooted extract worker; the node side is single-threaded',
  },
  {
    id: 'push-100mb',
    title: 'push of the same image to an empty registry',
    unit: 'ms',
    target: 1.0,
    maxRuns: 5,
    setup: async (e, ctx) => {
      ms(await e.docker(['pull', '-q', ref(ctx)]), 'pull before push');
    },
    measure: async (e: Engine, ctx) => {
      // A fresh, empty registry each run, so every blob is really uploaded.
      const target = await LocalRegistry.start();
      try {
        const name = `${target.host}/bench/pushed:1`;
        ms(await e.docker(['tag', ref(ctx), name]), 'tag');
        const t = ms(await e.docker(['push', '-q', name]), 'push');
        await e.docker(['rmi', name]);
        return t;
      } finally {
        await target.stop();
      }
    },
    limit: 'the uploads of 100 MB of layers',
  },
];
