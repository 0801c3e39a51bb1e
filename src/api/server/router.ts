import type { RequestContext } from './request-context.js';

export type Handler = (ctx: RequestContext) => Promise<void>;

interface Route {
  method: string;
  pattern: string;
  re: RegExp;
  names: string[];
  handler: Handler;
}

/**
 * The route table. Patterns use `{name}` for one path segment and `{name*}` for
 * the rest of a path (image names contain slashes). The `/vX.Y` prefix is
 * stripped before matching, so every route exists with and without it.
 */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    const names: string[] = [];
    const src = pattern.replace(/\{(\w+)(\*?)\}/g, (_m, name: string, star: string) => {
      names.push(name);
      return star ? '(.+?)' : '([^/]+)';
    });
    this.routes.push({ method, pattern, re: new RegExp(`^${src}/?$`), names, handler });
    return this;
  }

  /** Every registered route as [method, pattern], in registration order. */
  list(): [string, string][] {
    return this.routes.map((r) => [r.method, r.pattern]);
  }

  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | 'method-not-allowed' | undefined {
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.re.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== method && !(method === 'HEAD' && r.method === 'GET')) continue;
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1]!)));
      return { handler: r.handler, params };
    }
    return pathMatched ? 'method-not-allowed' : undefined;
  }
}
