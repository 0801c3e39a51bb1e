// Go text/template for `--format`, with docker's functions: the public entry point.
// https://pkg.go.dev/text/template, https://docs.docker.com/config/formatting/
//
//   const t = compileTemplate('{{.Name}}: {{.State.Status}}');   // throws on a parse error
//   t.execute(container);                                         // throws TemplateExecError
//
// Data is JSON-like (see go-value.ts for how JavaScript values stand in for Go values). Parse
// errors read like Go's ("template: :1: unexpected \"}\" in operand"); the CLI adds docker's
// prefix ("template parsing error: ") and exit code.

import { BUILTINS, HEADER_FUNCS, type FuncMap } from './template-builtins.js';
import { execute, TemplateExecError } from './template-exec.js';
import { parseTemplate, type ParsedTemplate } from './template-parser.js';

export { TemplateExecError } from './template-exec.js';
export type { ArgType, FuncMap, GoFunc } from './template-builtins.js';
export { GO_STRUCT, GO_MARSHAL_JSON, GoFloat } from './go-value.js';

export interface TemplateOptions {
  /** The template name shown in errors; docker's --format templates are unnamed (""). */
  name?: string;
  /** Extra functions, available to the template in addition to Go's and docker's. */
  funcs?: FuncMap;
  /**
   * 'error' is Go's Option("missingkey=error"), which `docker inspect` uses when it falls back
   * to raw JSON. The default prints "<no value>" for a missing key.
   */
  missingKey?: 'default' | 'error';
}

export interface ExecuteResult {
  /** What was written before execution stopped (Go's Execute leaves it in the buffer). */
  output: string;
  error?: Error;
}

export interface Template {
  readonly source: string;
  /** Renders the template; throws TemplateExecError like Go's Execute returns an error. */
  execute(data: unknown): string;
  /** Renders with some functions replaced, keeping the partial output on error. */
  executePartial(data: unknown, opts?: { funcs?: FuncMap }): ExecuteResult;
}

/** Parses a template; throws Error with Go's message on a syntax error. */
export function compileTemplate(src: string, opts: TemplateOptions = {}): Template {
  const funcs: FuncMap = { ...BUILTINS, ...(opts.funcs ?? {}) };
  const name = opts.name ?? '';
  const parsed: ParsedTemplate = parseTemplate(src, name,
    (n) => Object.prototype.hasOwnProperty.call(funcs, n));
  const missingKeyError = opts.missingKey === 'error';
  const run = (data: unknown, fm: FuncMap, out: string[]): void =>
    execute(parsed, data, { funcs: fm, missingKeyError }, out);
  return {
    source: src,
    execute(data: unknown): string {
      const out: string[] = [];
      run(data, funcs, out);
      return out.join('');
    },
    executePartial(data: unknown, o: { funcs?: FuncMap } = {}): ExecuteResult {
      const out: string[] = [];
      try {
        run(data, { ...funcs, ...(o.funcs ?? {}) }, out);
        return { output: out.join('') };
      } catch (e) {
        if (!(e instanceof TemplateExecError)) throw e;
        return { output: out.join(''), error: e };
      }
    },
  };
}

/** The function overrides docker uses when it renders a table header. */
export const headerFunctions: FuncMap = HEADER_FUNCS;
