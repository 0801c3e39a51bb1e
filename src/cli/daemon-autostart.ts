import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { request } from 'node:http';

const LOG_DIR = '/var/log/berth';

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/**
 * Nothing answers on the default socket: start `berth daemon` in the
 * background, say so on stderr, and wait until it answers.
 */
export async function autostartDaemon(socketPath: string, stderr: NodeJS.WriteStream): Promise<boolean> {
  mkdirSync(LOG_DIR, { recursive: true, mode: 0o700 });
  const logPath = `${LOG_DIR}/daemon.log`;
  const log = openSync(logPath, 'a', 0o600);
  // The same entry script that runs this CLI (bin/berth), bundled or not.
  const bin = process.argv[1]!;
  const child = spawn(process.execPath, [bin, 'daemon'], { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  stderr.write(`berth: no daemon answered on unix://${socketPath}; started one in the background (pid ${child.pid}, log ${logPath})\n`);
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (await ping(socketPath)) return true;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  stderr.write(`berth: the daemon did not come up; see ${logPath}\n`);
  return false;
}
