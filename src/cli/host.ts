import { UsageError } from './flags.js';

export const DEFAULT_HOST = 'unix:///run/berth/berth.sock';

/** `unix:///path` or a bare absolute path; berth serves only unix sockets. */
export function socketPathOf(host: string): string {
  if (host.startsWith('unix://')) return host.slice('unix://'.length);
  if (host.startsWith('/')) return host;
  throw new UsageError(`unsupported host "${host}": berth speaks only over unix sockets (unix:///path)`);
}
