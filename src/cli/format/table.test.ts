import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { formatList, resolveFormat, tabwrite, type ListOptions } from './table.js';
import { truncateCommand } from './human.js';

// docker ps, as docker/cli 28 defines it.
const PS: ListOptions = {
  defaultTable: 'table {{.ID}}\\t{{.Image}}\\t{{.Command}}\\t{{.RunningFor}}\\t{{.Status}}\\t{{.Ports}}\\t{{.Names}}',
  headers: {
    ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', RunningFor: 'CREATED', Status: 'STATUS',
    Ports: 'PORTS', Names: 'NAMES', Labels: 'LABELS', CreatedAt: 'CREATED AT', Size: 'SIZE',
  },
  typeName: '*formatter.ContainerContext',
};

const rows = [
  {
    ID: '4f1c2a7b9d3e', Image: 'nginx:latest', Command: truncateCommand("/docker-entrypoint.sh nginx -g 'daemon off;'"),
    RunningFor: '3 minutes ago', Status: 'Up About a minute', Ports: '0.0.0.0:8080->80/tcp', Names: 'web',
    Labels: 'a=1,b=2', Label: (k: unknown) => ({ a: '1', b: '2' } as Record<string, string>)[String(k)] ?? '',
  },
  {
    ID: '9e8d7c6b5a4f', Image: 'busybox', Command: truncateCommand('sh'), RunningFor: '2 days ago',
    Status: 'Exited (0) 2 days ago', Ports: '', Names: 'a_very_long_container_name_here', Labels: '',
    Label: () => '',
  },
];

// Every expected string below is what docker 28.2.2 printed for the same containers.
describe('formatList: docker ps', () => {
  it('prints the default table byte for byte', () => {
    assert.equal(formatList(undefined, rows, PS),
      'CONTAINER ID   IMAGE          COMMAND                  CREATED         STATUS                  PORTS                  NAMES\n' +
      '4f1c2a7b9d3e   nginx:latest   "/docker-entrypoint.…"   3 minutes ago   Up About a minute       0.0.0.0:8080->80/tcp   web\n' +
      '9e8d7c6b5a4f   busybox        "sh"                     2 days ago      Exited (0) 2 days ago                          a_very_long_container_name_here\n');
    assert.equal(formatList('table', rows, PS), formatList(undefined, rows, PS));
  });

  it('pads a column ended by a trailing tab, and leaves the last cell alone', () => {
    assert.equal(formatList('table {{.ID}}\\t{{.Names}}\\t{{.Labels}}\\t{{.Command}}\\t', rows, PS),
      'CONTAINER ID   NAMES                             LABELS    COMMAND                  \n' +
      '4f1c2a7b9d3e   web                               a=1,b=2   "/docker-entrypoint.…"   \n' +
      '9e8d7c6b5a4f   a_very_long_container_name_here             "sh"                     \n');
  });

  it('renders headers with formatting functions disabled but pad applied', () => {
    assert.equal(formatList('table {{upper .Names}}\t{{pad .ID 2 0}}|{{json .Labels}}', rows, PS),
      'NAMES                               CONTAINER ID|LABELS\n' +
      'WEB                                 4f1c2a7b9d3e|"a=1,b=2"\n' +
      'A_VERY_LONG_CONTAINER_NAME_HERE     9e8d7c6b5a4f|""\n');
  });

  it('names a label column after the last dotted part of the label', () => {
    assert.equal(formatList('table {{.Names}}\t{{.Label "com.example.my-la_bel"}}', rows.slice(0, 1), PS),
      'NAMES     my la bel\nweb       \n');
  });

  it('leaves an empty header line when the header template fails', () => {
    const out = formatList('table {{json .}}', rows.slice(0, 1), { ...PS, typeName: undefined });
    assert.ok(out.startsWith('\n{"Command":'), out);
  });

  it('prints only the header when there are no rows', () => {
    assert.equal(formatList('table {{.ID}}\t{{.Names}}', [], PS), 'CONTAINER ID   NAMES\n');
    assert.equal(formatList('{{.ID}}', [], PS), '');
  });

  it('prints plain templates without a header or alignment', () => {
    assert.equal(formatList('{{.Names}}:\\t{{.Status}}', rows, PS),
      'web:\tUp About a minute\na_very_long_container_name_here:\tExited (0) 2 days ago\n');
  });

  it('prints json rows with sorted keys and HTML escaped, as json.Marshal does', () => {
    const out = formatList('json', [{ Ports: '0.0.0.0:80->80/tcp', ID: 'abc', Platform: null, Label: () => '' }], PS);
    assert.equal(out, '{"ID":"abc","Platform":null,"Ports":"0.0.0.0:80-\\u003e80/tcp"}\n');
  });

  it('uses {{.ID}} for -q and rejects unknown fields like docker', () => {
    assert.equal(formatList(undefined, rows, { ...PS, quiet: true }), '4f1c2a7b9d3e\n9e8d7c6b5a4f\n');
    assert.throws(() => formatList('table {{.Foo}}', rows, PS),
      { message: 'template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type *formatter.ContainerContext' });
    assert.throws(() => formatList('{{.Names', rows, PS), { message: 'template: :1: unclosed action' });
  });

  it('keeps the methods of class-based rows callable', () => {
    class Row {
      constructor(readonly ID: string, private readonly labels: Record<string, string>) {}
      Label(k: unknown): string { return this.labels[String(k)] ?? ''; }
    }
    assert.equal(formatList('{{.ID}}={{.Label "app"}}', [new Row('a1', { app: 'web' })], PS), 'a1=web\n');
    assert.equal(formatList('json', [new Row('a1', {})], PS), '{"ID":"a1","labels":{}}\n');
  });

  it('aligns wide characters by display width, as docker\'s tabwriter does', () => {
    const cjk = [{ Names: '日本語\tx' }, { Names: 'ab\ty' }];
    assert.equal(formatList('table {{.Names}}\t{{.ID}}', cjk, { defaultTable: '', headers: { Names: 'NAMES', ID: 'CONTAINER ID' } }),
      'NAMES     CONTAINER ID\n日本語    x         <no value>\nab        y         <no value>\n');
  });
});

describe('resolveFormat', () => {
  it('strips "table", trims spaces and turns \\t and \\n into tab and newline', () => {
    assert.deepEqual(resolveFormat('table   {{.ID}}\\t{{.Names}}\\n  ', PS), { template: '{{.ID}}\t{{.Names}}\n', table: true });
    assert.deepEqual(resolveFormat('  {{.ID}}\\\\n', PS), { template: '{{.ID}}\\\n', table: false });
    assert.deepEqual(resolveFormat('json', PS), { template: '{{json .}}', table: false });
  });
});

describe('tabwrite', () => {
  it('sizes each column to its widest cell plus 3, at least 10', () => {
    assert.equal(tabwrite('a\tbb\tc\nlonger cell\tx\tz\n'), 'a             bb        c\nlonger cell   x         z\n');
  });

  it('starts a new column block where a line has no cell in that column', () => {
    // The second line has a single cell, so the first and third lines are sized separately.
    assert.equal(tabwrite('a\tb\nno tabs here\nlonger cell\tc\n'), 'a         b\nno tabs here\nlonger cell   c\n');
    // Column 1 exists only on lines 1 and 3, which are not adjacent.
    assert.equal(tabwrite('a\tb\tc\nd\te\nf\tgggggggggggg\th\n'),
      'a         b         c\nd         e\nf         gggggggggggg   h\n');
  });

  it('keeps text after the last newline, and treats \\f as a hard break', () => {
    assert.equal(tabwrite('a\tb\npartial'), 'a         b\npartial');
    assert.equal(tabwrite('aaaaaaaaaaaa\tb\f\nc\td\n'), 'aaaaaaaaaaaa   b\n\nc         d\n');
  });

  it('honours other settings', () => {
    assert.equal(tabwrite('a\tb\nccc\td\n', 0, 1, 1), 'a   b\nccc d\n');
  });
});
