/** The one structured logger interface; the daemon injects an implementation. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export const nullLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
