#!/usr/bin/env node
// Pull/push benchmark: a ~100 MB image of 4 gzip layers on a loopback docker-registry,
// berth and a real dockerd measured side by side (alternating runs), medians reported.
// Also the berth daemon's RSS growth during a pull (sampled every 20 ms from /proc).
// Usage (as root, after scripts/test.sh or scripts/build.sh): node bench/registry-bench.mjs [runs]
// Issue 8's formal benchmark can import measure() or run this file.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { request } from 'node:http';
import { TestDaemon } from '../dist/test/e2e/harness.js';
import { RealDockerd } from '../dist/test/e2e/dockerd-harness.js';
import { LocalRegistry } from '../dist/test/e2e/registry-harness.js';
import { buildImage, uploadImage } from '../dist/test/e2e/registry-fixtures.js';
import { makeTar } from '../dist/src/layers/layer-fixtures.js';

const RUNS = Number(process.argv[2] ?? process.env.BENCH_RUNS ?? 5);
const LAYER_BYTES = 25 << 20;

/** Files of random bytes (incompressible) and of repeated text (compressible), ~60/40. */
async function makeLayer(i) {
  const entries = [];
  for (let f = 0; f < 5; f++) {
    const size = LAYER_BYTES / 5;
    const content = f < 3 ? randomBytes(size) : Buffer.from(`layer ${i} file ${f} line of text with some words\n`.repeat(size / 44)).subarray(0, size);
    entries.push({ name: `layer${i}/file${f}`, content });
  }
  const tar = await makeTar(entries);
  const bytes = gzipSync(tar);
  const { createHash } = await import('node:crypto');
  const sha = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
  return { bytes, digest: sha(bytes), mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', diffId: sha(tar), tarSize: tar.length };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const secs = async (fn) => {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
};
const must = (r, what) => {
  if (r.code !== 0) throw new Error(`${what} failed: ${r.stderr}`);
  return r;
};

/** The pull through the Engine API directly (same client for both daemons): engine time without CLI start-up. */
function apiPull(socket, ref) {
  const i = ref.lastIndexOf(':');
  const path = `/images/create?fromImage=${encodeURIComponent(ref.slice(0, i))}&tag=${ref.slice(i + 1)}`;
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method: 'POST', path }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => (res.statusCode === 200 && !text.includes('errorDetail') ? resolve() : reject(new Error(text))));
    });
    req.on('error', reject);
    req.end();
  });
}

function rss(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

export async function measure(runs = RUNS) {
  const layers = [];
  for (let i = 0; i < 4; i++) layers.push(await makeLayer(i));
  const image = buildImage(layers, { oci: false });
  const uncompressed = layers.reduce((a, l) => a + l.tarSize, 0);
  const compressed = layers.reduce((a, l) => a + l.bytes.length, 0);
  const reg = await LocalRegistry.start();
  const [berth, dockerd] = await Promise.all([TestDaemon.start({ busybox: false }), RealDockerd.start(['--insecure-registry', reg.host])]);
  const result = { runs, uncompressedMB: uncompressed / 1e6, compressedMB: compressed / 1e6, pull: { berth: [], dockerd: [] }, pullApi: { berth: [], dockerd: [] }, push: { berth: [], dockerd: [] }, rssGrowthMB: [] };
  try {
    await uploadImage(reg.host, 'bench/app', '1', image);
    const ref = `${reg.host}/bench/app:1`;
    for (let i = 0; i < runs; i++) {
      // Pull: nothing local (image, layers and blobs removed) before each run.
      await berth.berth(['rmi', '-f', ref]);
      await dockerd.docker(['rmi', '-f', ref]);
      const pid = berth.proc.pid;
      const base = rss(pid);
      let peak = base;
      const sampler = setInterval(() => (peak = Math.max(peak, rss(pid))), 20);
      result.pull.berth.push(await secs(async () => must(await berth.berth(['pull', '-q', ref], { timeoutMs: 600_000 }), 'berth pull')));
      clearInterval(sampler);
      result.rssGrowthMB.push((peak - base) / 1e6);
      result.pull.dockerd.push(await secs(async () => must(await dockerd.docker(['pull', '-q', ref], { timeoutMs: 600_000 }), 'docker pull')));
      await berth.berth(['rmi', '-f', ref]);
      await dockerd.docker(['rmi', '-f', ref]);
      result.pullApi.berth.push(await secs(() => apiPull(berth.socket, ref)));
      result.pullApi.dockerd.push(await secs(() => apiPull(dockerd.socket, ref)));
    }
    for (let i = 0; i < runs; i++) {
      // Push: a fresh, empty registry each run so every blob is really uploaded.
      for (const [who, engine] of [['berth', berth], ['dockerd', dockerd]]) {
        const target = await LocalRegistry.start();
        try {
          const name = `${target.host}/bench/pushed:1`;
          if (who === 'berth') {
            must(await berth.berth(['tag', ref, name]), 'tag');
            result.push.berth.push(await secs(async () => must(await berth.berth(['push', name], { timeoutMs: 600_000 }), 'berth push')));
            await berth.berth(['rmi', name]);
          } else {
            must(await dockerd.docker(['tag', ref, name]), 'tag');
            result.push.dockerd.push(await secs(async () => must(await dockerd.docker(['push', name], { timeoutMs: 600_000 }), 'docker push')));
            await dockerd.docker(['rmi', name]);
          }
        } finally {
          await target.stop();
        }
      }
    }
  } finally {
    await Promise.all([berth.cleanup(), dockerd.stop(), reg.stop()]);
  }
  const summary = {
    image: `${result.uncompressedMB.toFixed(0)} MB uncompressed, ${result.compressedMB.toFixed(0)} MB gzip, 4 layers`,
    runs,
    pull_median_s: { berth: +median(result.pull.berth).toFixed(3), dockerd: +median(result.pull.dockerd).toFixed(3), ratio: +(median(result.pull.berth) / median(result.pull.dockerd)).toFixed(2) },
    pull_api_median_s: { berth: +median(result.pullApi.berth).toFixed(3), dockerd: +median(result.pullApi.dockerd).toFixed(3), ratio: +(median(result.pullApi.berth) / median(result.pullApi.dockerd)).toFixed(2) },
    push_median_s: { berth: +median(result.push.berth).toFixed(3), dockerd: +median(result.push.dockerd).toFixed(3), ratio: +(median(result.push.berth) / median(result.push.dockerd)).toFixed(2) },
    berth_rss_growth_during_pull_MB: { median: +median(result.rssGrowthMB).toFixed(1), max: +Math.max(...result.rssGrowthMB).toFixed(1) },
    raw: result,
  };
  return summary;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = await measure();
  console.log(JSON.stringify(s, null, 2));
}
