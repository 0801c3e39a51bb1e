import type { CliEnv } from '../command.js';

/** docker's `[y/N]` prompt: reads one line from stdin; anything but y/yes is a no. */
export async function confirm(env: CliEnv, warning: string): Promise<boolean> {
  env.stdout.write(`${warning}\nAre you sure you want to continue? [y/N] `);
  const answer = await new Promise<string>((resolve) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('\n')) done();
    };
    const done = () => {
      env.stdin.off('data', onData);
      env.stdin.off('end', done);
      env.stdin.pause();
      resolve(buf.split('\n')[0]!.trim());
    };
    env.stdin.on('data', onData);
    env.stdin.on('end', done);
    env.stdin.resume();
  });
  return /^(y|yes)$/i.test(answer);
}

/** `-o k=v` / `--label k=v` lists as a map (a bare key maps to ""). */
export function keyValues(values: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const i = v.indexOf('=');
    out[i < 0 ? v : v.slice(0, i)] = i < 0 ? '' : v.slice(i + 1);
  }
  return out;
}
