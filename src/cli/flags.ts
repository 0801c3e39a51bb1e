/**
 * A flag parser with the docker CLI's (pflag) rules: `-abc` bundles booleans,
 * `-e X`, `-eX`, `-e=X`, `--name X`, `--name=X`, `--rm=false`, repeated list
 * flags, `--` ends flags, and commands like `run` stop at their first argument
 * (the image) so the container's own flags pass through untouched.
 */
export type FlagType = 'bool' | 'string' | 'list' | 'int';

export interface FlagSpec {
  name: string;
  short?: string;
  type: FlagType;
  description: string;
  default?: string | number | boolean;
  /** Shown in help as the value placeholder. */
  value?: string;
  hidden?: boolean;
}

export type FlagValues = Record<string, string | number | boolean | string[] | undefined>;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface Parsed {
  flags: FlagValues;
  args: string[];
  /** Flags the user actually gave (to tell "unset" from "set to the default"). */
  given: Set<string>;
}

export function parseFlags(argv: string[], specs: FlagSpec[], opts: { interspersed?: boolean } = {}): Parsed {
  const byLong = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const flags: FlagValues = {};
  const given = new Set<string>();
  for (const s of specs) flags[s.name] = s.type === 'list' ? [] : s.default;
  const args: string[] = [];
  const set = (spec: FlagSpec, value: string | undefined, name: string) => {
    given.add(spec.name);
    switch (spec.type) {
      case 'bool': {
        if (value === undefined) flags[spec.name] = true;
        else if (/^(1|t|true|TRUE|True)$/.test(value)) flags[spec.name] = true;
        else if (/^(0|f|false|FALSE|False)$/.test(value)) flags[spec.name] = false;
        else throw new UsageError(`invalid argument "${value}" for "${name}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`);
        break;
      }
      case 'int': {
        if (!/^-?\d+$/.test(value ?? '')) throw new UsageError(`invalid argument "${value}" for "${name}" flag: strconv.ParseInt: parsing "${value}": invalid syntax`);
        flags[spec.name] = Number(value);
        break;
      }
      case 'list':
        (flags[spec.name] as string[]).push(value!);
        break;
      default:
        flags[spec.name] = value;
    }
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const spec = byLong.get(name);
      if (!spec) throw new UsageError(`unknown flag: --${name}`);
      if (eq >= 0) set(spec, a.slice(eq + 1), `--${name}`);
      else if (spec.type === 'bool') set(spec, undefined, `--${name}`);
      else {
        if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: --${name}`);
        set(spec, argv[++i], `--${name}`);
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const ch = a[j]!;
        const spec = byShort.get(ch);
        if (!spec) throw new UsageError(`unknown shorthand flag: '${ch}' in ${a}`);
        if (spec.type === 'bool') {
          if (a[j + 1] === '=') {
            set(spec, a.slice(j + 2), `-${ch}`);
            break;
          }
          set(spec, undefined, `-${ch}`);
          continue;
        }
        let value = a.slice(j + 1);
        if (value.startsWith('=')) value = value.slice(1);
        else if (value === '') {
          if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: '${ch}' in -${ch}`);
          value = argv[++i]!;
        }
        set(spec, value, `-${ch}`);
        break;
      }
      continue;
    }
    args.push(a);
    if (opts.interspersed === false) {
      args.push(...argv.slice(i + 1));
      break;
    }
  }
  return { flags, args, given };
}

export function helpText(usage: string, description: string, specs: FlagSpec[]): string {
  const visible = specs.filter((s) => !s.hidden);
  const rows = visible.map((s) => {
    const left = `${s.short ? `-${s.short}, ` : '    '}--${s.name}${s.type === 'bool' ? '' : ` ${s.value ?? (s.type === 'int' ? 'int' : s.type === 'list' ? 'list' : 'string')}`}`;
    return [left, s.description] as const;
  });
  const width = Math.max(0, ...rows.map((r) => r[0].length));
  const lines = [`\nUsage:  ${usage}\n`, description, ''];
  if (rows.length) {
    lines.push('Options:');
    for (const [l, d] of rows) lines.push(`  ${l.padEnd(width)}   ${d}`);
  }
  return `${lines.join('\n')}\n`;
}
