import type { RequestContext } from './request-context.js';

/**
 * Docker's JSON message stream (pull, push, import, build, load): one JSON
 * object per line; an error after the 200 went out travels as errorDetail.
 */
export class JsonStream {
  private started = false;
  constructor(private readonly ctx: RequestContext) {}

  send(msg: Record<string, unknown>): void {
    if (!this.started) {
      this.ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
      this.started = true;
    }
    this.ctx.res.write(`${JSON.stringify(msg)}\r\n`);
  }

  get isStarted(): boolean {
    return this.started;
  }

  error(message: string): void {
    this.send({ errorDetail: { message }, error: message });
  }

  end(): void {
    if (!this.started) this.send({});
    this.ctx.res.end();
  }
}
