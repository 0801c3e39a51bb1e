import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { StatusError, type CliEnv, type Command } from '../../command.js';
import { configPath, saveCredentials, serverKey } from '../../credentials.js';

async function readAll(stdin: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

async function prompt(env: CliEnv, question: string, hidden: boolean): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _e, cb) {
      if (!muted) env.stderr.write(chunk);
      cb();
    },
  });
  const rl = createInterface({ input: env.stdin, output, terminal: true });
  const answer = new Promise<string>((resolve) => rl.question(question, resolve));
  muted = hidden;
  const a = await answer;
  rl.close();
  if (hidden) env.stderr.write('\n');
  return a;
}

const command: Command = {
  usage: '[OPTIONS] [SERVER]',
  description: 'Log in to a registry',
  flags: [
    { name: 'password', short: 'p', type: 'string', description: 'Password' },
    { name: 'password-stdin', type: 'bool', description: 'Take the password from stdin' },
    { name: 'username', short: 'u', type: 'string', description: 'Username' },
  ],
  maxArgs: 1,
  async run(env, p) {
    const server = p.args[0];
    let username = p.flags.username as string | undefined;
    let password = p.flags.password as string | undefined;
    if (p.flags['password-stdin']) {
      if (password) throw new StatusError('--password and --password-stdin are mutually exclusive', 1);
      if (!username) throw new StatusError('Must provide --username with --password-stdin', 1);
      password = (await readAll(env.stdin)).replace(/\r?\n$/, '');
    } else if (password) {
      env.stderr.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
    }
    if (!username || password === undefined) {
      if (!env.stdin.isTTY) throw new StatusError('Error: Cannot perform an interactive login from a non TTY device', 1);
      username ||= (await prompt(env, 'Username: ', false)).trim();
      if (password === undefined) password = await prompt(env, 'Password: ', true);
    }
    if (!username) throw new StatusError('Error: Non-null Username Required', 1);
    if (!password) throw new StatusError('Error: Password Required', 1);
    const key = serverKey(server);
    await env.client.json('POST', '/auth', { body: { username, password, serveraddress: key } });
    saveCredentials(key, username, password);
    env.stderr.write(`Credentials are stored in ${configPath()} (readable by root only).\n`);
    env.stdout.write('Login Succeeded\n');
    return 0;
  },
};

export default command;
