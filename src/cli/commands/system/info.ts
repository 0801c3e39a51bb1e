import { BERTH_VERSION } from '../../../core/version.js';
import type { Command } from '../../command.js';
import { compileTemplate } from '../../format/go-template.js';
import { bytesSize } from '../../format/human.js';

type Info = Record<string, unknown> & {
  Containers: number;
  ContainersRunning: number;
  ContainersPaused: number;
  ContainersStopped: number;
  Images: number;
  ServerVersion: string;
  Driver: string;
  CgroupDriver: string;
  CgroupVersion: string;
  KernelVersion: string;
  OperatingSystem: string;
  Architecture: string;
  NCPU: number;
  MemTotal: number;
  Name: string;
  DockerRootDir: string;
  LoggingDriver: string;
  DefaultRuntime: string;
  LiveRestoreEnabled: boolean;
  SecurityOptions: string[];
  Warnings: string[] | null;
};

const command: Command = {
  usage: '[OPTIONS]',
  description: 'Display system-wide information',
  flags: [{ name: 'format', short: 'f', type: 'string', description: 'Format output using a custom template' }],
  maxArgs: 0,
  async run(env, p) {
    const info = await env.client.json<Info>('GET', '/info');
    const format = p.flags.format as string | undefined;
    if (format) {
      env.stdout.write(`${format === 'json' ? JSON.stringify(info) : compileTemplate(format).execute(info)}\n`);
      return 0;
    }
    const lines = [
      'Client:',
      ` Version:    ${BERTH_VERSION}`,
      ' Context:    default',
      '',
      'Server:',
      ` Containers: ${info.Containers}`,
      `  Running: ${info.ContainersRunning}`,
      `  Paused: ${info.ContainersPaused}`,
      `  Stopped: ${info.ContainersStopped}`,
      ` Images: ${info.Images}`,
      ` Server Version: ${info.ServerVersion}`,
      ` Storage Driver: ${info.Driver}`,
      ` Logging Driver: ${info.LoggingDriver}`,
      ` Cgroup Driver: ${info.CgroupDriver}`,
      ` Cgroup Version: ${info.CgroupVersion}`,
      ` Default Runtime: ${info.DefaultRuntime}`,
      ' Security Options:',
      ...info.SecurityOptions.map((o) => `  ${o.replace(/^name=/, '')}`),
      ` Kernel Version: ${info.KernelVersion}`,
      ` Operating System: ${info.OperatingSystem}`,
      ` Architecture: ${info.Architecture}`,
      ` CPUs: ${info.NCPU}`,
      ` Total Memory: ${bytesSize(info.MemTotal)}`,
      ` Name: ${info.Name}`,
      ` Docker Root Dir: ${info.DockerRootDir}`,
      ` Live Restore Enabled: ${info.LiveRestoreEnabled}`,
    ];
    env.stdout.write(`${lines.join('\n')}\n`);
    for (const w of info.Warnings ?? []) env.stderr.write(`${w}\n`);
    return 0;
  },
};

export default command;
