// docker/cli's list formatting (cli/command/formatter): `--format table ...`, `--format json`,
// plain templates and the default table of each list command (ps, images, volume ls, ...).
//
// What docker does, and so what this does:
// - "table" alone, or no format, means the command's default table ({{.ID}} when quiet).
// - A format starting with "table" is a row template; the header is the same template executed
//   over a map of column names (ID -> "CONTAINER ID"), with formatting functions such as upper
//   or json turned into no-ops, and a failed header simply stops where it failed.
// - "json" prints each row as one JSON object (keys sorted, HTML characters escaped, as Go's
//   json.Marshal of the row's map does).
// - The format is trimmed of spaces and the two-character sequences \t and \n become a tab
//   and a newline, so `--format 'table {{.ID}}\t{{.Names}}'` works from a shell.
// - Every row is followed by a newline; table output goes through tabwriter(10, 1, 3, ' ').

import { compileTemplate, headerFunctions, type FuncMap } from './go-template.js';
import { goMarshalMap } from './go-json.js';
import { GO_MARSHAL_JSON, GO_STRUCT } from './go-value.js';
import { tabwrite } from './tabwriter.js';

export { tabwrite } from './tabwriter.js';

export const TABLE_FORMAT_KEY = 'table';
export const JSON_FORMAT_KEY = 'json';
export const RAW_FORMAT_KEY = 'raw';
export const DEFAULT_QUIET_FORMAT = '{{.ID}}';

export interface ListOptions {
  /** The command's default, e.g. 'table {{.ID}}\t{{.Image}}\t...'. */
  defaultTable: string;
  /** Column titles by field name, e.g. { ID: 'CONTAINER ID', Names: 'NAMES' }. */
  headers?: Record<string, string>;
  /** -q: only the quiet format (default {{.ID}}) when no custom format is given. */
  quiet?: boolean;
  quietFormat?: string;
  /** The command's "raw" format, for commands that have one (docker ps --format raw). */
  rawFormat?: string;
  /**
   * Treat each row as a Go struct of this type: an unknown field is then an error
   * ("can't evaluate field Foo in type *formatter.ContainerContext") as in docker,
   * instead of printing "<no value>".
   */
  typeName?: string;
  /** Extra template functions. */
  funcs?: FuncMap;
}

/** docker's Context.preFormat: picks the effective template and whether it is a table. */
export function resolveFormat(format: string | undefined, opts: ListOptions): { template: string; table: boolean } {
  let source = format === undefined || format === '' ? TABLE_FORMAT_KEY : format;
  if (source === TABLE_FORMAT_KEY) source = opts.quiet ? (opts.quietFormat ?? DEFAULT_QUIET_FORMAT) : opts.defaultTable;
  else if (source === RAW_FORMAT_KEY && opts.rawFormat !== undefined) source = opts.rawFormat;
  const table = source.startsWith(TABLE_FORMAT_KEY);
  let template = source;
  if (table) template = source.slice(TABLE_FORMAT_KEY.length);
  else if (source === JSON_FORMAT_KEY) template = '{{json .}}';
  template = template.replace(/^ +| +$/g, '').replace(/\\[tn]/g, (m) => (m === '\\t' ? '\t' : '\n'));
  return { template, table };
}

/** The header row data: column titles, plus docker's Label method ("com.x.my-label" -> "my label"). */
function headerData(headers: Record<string, string>): object {
  const h: Record<string | symbol, unknown> = { ...headers };
  Object.defineProperty(h, 'Label', {
    enumerable: false,
    value: (name: unknown) => String(name).split('.').pop()!.replace(/[-_]/g, ' '),
  });
  return h;
}

/** A row as the template sees it: optionally a struct, and JSON-encoded like docker's rows. */
function wrapRow(row: object, typeName: string | undefined): object {
  const r: Record<string | symbol, unknown> = { ...(row as Record<string, unknown>) };
  Object.defineProperty(r, GO_MARSHAL_JSON, {
    enumerable: false,
    value: () => goMarshalMap(row as Record<string, unknown>),
  });
  if (typeName !== undefined) Object.defineProperty(r, GO_STRUCT, { enumerable: false, value: typeName });
  // Methods of a class-based row (e.g. Label(name)) stay callable from the template.
  const proto = Object.getPrototypeOf(row) as object | null;
  if (proto !== null && proto !== Object.prototype) {
    for (const k of Object.getOwnPropertyNames(proto)) {
      const m = (row as Record<string, unknown>)[k];
      if (k !== 'constructor' && typeof m === 'function') {
        Object.defineProperty(r, k, { enumerable: false, value: m.bind(row) });
      }
    }
  }
  return r;
}

/**
 * Renders rows as docker's list commands do. Throws on a template syntax error (Go's message;
 * docker prefixes "template parsing error: ") or an execution error in any row, in which case
 * nothing is printed, as in docker.
 */
export function formatList(format: string | undefined, rows: object[], opts: ListOptions): string {
  const { template, table } = resolveFormat(format, opts);
  const tmpl = compileTemplate(template, { funcs: opts.funcs });
  let body = '';
  for (const row of rows) body += tmpl.execute(wrapRow(row, opts.typeName)) + '\n';
  if (!table) return body;
  const header = tmpl.executePartial(headerData(opts.headers ?? {}), { funcs: headerFunctions }).output;
  return tabwrite(header + '\n' + body, 10, 1, 3);
}
