import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { compileTemplate, GO_STRUCT, GoFloat, headerFunctions, TemplateExecError } from './go-template.js';
import { LITERAL, RAW, RAW_DATA, type Vector } from './docker-recorded.testdata.js';

function run(src: string, data?: unknown): string {
  return compileTemplate(src).execute(data);
}

function check(vectors: Vector[], render: (t: string) => string): void {
  for (const [t, out, err] of vectors) {
    if (out !== null) {
      assert.equal(render(t), out, `template ${JSON.stringify(t)}`);
    } else {
      assert.throws(() => render(t), (e: Error) => {
        assert.equal(e.message, err, `template ${JSON.stringify(t)}`);
        return true;
      });
    }
  }
}

describe('recorded docker behaviour', () => {
  it('literal templates print and fail exactly as docker version --format does', () => {
    assert.ok(LITERAL.length > 200);
    check(LITERAL, (t) => compileTemplate(t, { name: 'version' }).execute({}));
  });

  it('map data behaves as docker inspect --format over raw JSON (missingkey=error)', () => {
    assert.ok(RAW.length > 70);
    const data = { Name: 'n', Id: 'abc', X: RAW_DATA };
    check(RAW, (t) => compileTemplate(t, { missingKey: 'error' }).execute(data));
  });
});

const container = {
  Id: 'abc123',
  Name: '/web',
  State: { Status: 'running', Running: true, Pid: 4242, ExitCode: 0, Health: null },
  Config: {
    Labels: { 'com.docker.compose.project': 'demo', maintainer: 'me <me@example.com>' },
    Env: ['A=1', 'B=2'],
    Cmd: ['nginx', '-g', 'daemon off;'],
  },
  HostConfig: { Memory: 536870912, NanoCpus: 1500000000, CpuShares: 0 },
  NetworkSettings: { Networks: { bridge: { IPAddress: '172.17.0.2' }, backend: { IPAddress: '10.0.0.5' } } },
  SizeRw: 9007199254740991,
  Ratio: 0.25,
};

describe('field access over JSON-like data', () => {
  it('reads fields, nested fields, map keys and the whole value', () => {
    assert.equal(run('{{.Name}} {{.State.Status}} {{.State.Pid}}', container), '/web running 4242');
    assert.equal(run('{{index .Config.Labels "com.docker.compose.project"}}', container), 'demo');
    assert.equal(run('{{.Config.Labels.maintainer}}', container), 'me <me@example.com>');
    assert.equal(run('{{.}}', 'plain'), 'plain');
    assert.equal(run('{{.}}', undefined), '<no value>');
  });

  it('prints <no value> for missing keys by default, and errors with missingkey=error', () => {
    assert.equal(run('{{.Nope}}|{{.State.Nope}}|{{.Nope.Deeper}}', container), '<no value>|<no value>|<no value>');
    assert.throws(() => compileTemplate('{{.State.Nope}}', { missingKey: 'error' }).execute(container),
      { message: 'template: :1:8: executing "" at <.State.Nope>: map has no entry for key "Nope"' });
  });

  it('is case-sensitive and never reaches Object.prototype', () => {
    assert.equal(run('{{.name}}|{{.constructor}}|{{.toString}}', container), '<no value>|<no value>|<no value>');
  });

  it('index on a label map answers "" for a missing key, like a typed map[string]string', () => {
    assert.equal(run('[{{index .Config.Labels "missing"}}]', container), '[]');
    assert.equal(run('[{{index .Labels "x"}}]', { Labels: null }), '[]');
    assert.equal(run('[{{index .Labels "x"}}]', { Labels: {} }), '[]');
  });

  it('treats GO_STRUCT objects as structs: unknown fields are errors, printing is {a b}', () => {
    const row = { [GO_STRUCT]: '*formatter.ContainerContext', ID: 'abc', Names: 'web' };
    assert.equal(run('{{.ID}}', row), 'abc');
    assert.throws(() => run('{{.Foo}}', row),
      { message: 'template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type *formatter.ContainerContext' });
    assert.equal(run('{{.}}', row), '{abc web}');
    assert.equal(run('{{printf "%+v" .}}', row), '{ID:abc Names:web}');
  });

  it('calls function-valued fields as methods with the template arguments', () => {
    const row = { Labels: 'a=1', Label: (k: unknown) => (k === 'a' ? '1' : '') };
    assert.equal(run('{{.Label "a"}}|{{.Label "b"}}', row), '1|');
    assert.throws(() => run('{{.Label}}', row),
      { message: 'template: :1:2: executing "" at <.Label>: wrong number of args for Label: want 1 got 0' });
    assert.throws(() => run('{{.Labels "x"}}', row),
      { message: 'template: :1:2: executing "" at <.Labels>: Labels is not a method but has arguments' });
  });
});

describe('Go value printing', () => {
  it('prints maps sorted as map[k:v], slices as [a b], nil elements as <nil>', () => {
    assert.equal(run('{{.}}', { b: 2, a: [1, 'x', true, null], c: { z: 1, y: {} } }),
      'map[a:[1 x true <nil>] b:2 c:map[y:map[] z:1]]');
    assert.equal(run('{{.Config.Env}}', container), '[A=1 B=2]');
  });

  it('prints integers in full and floats in Go %v form', () => {
    assert.equal(run('{{.SizeRw}} {{.HostConfig.NanoCpus}} {{.Ratio}}', container), '9007199254740991 1500000000 0.25');
    assert.equal(run('{{.}}', 2 ** 62), '4611686018427387904');
    // Beyond int64 a number can only have been a float64 in Go.
    assert.equal(run('{{.}}', 1e20), '1e+20');
    assert.equal(run('{{.}}', 1234567.5), '1.2345675e+06');
    assert.equal(run('{{.}}', 0.00001), '1e-05');
    assert.equal(run('{{.}}', new GoFloat(3)), '3');
    assert.equal(run('{{.}}', 12345678901234567890n), '12345678901234567890');
    assert.equal(run('{{printf "%T %T %T" .A .B .C}}', { A: 3, B: 2.5, C: new GoFloat(2) }), 'int float64 float64');
  });

  it('compares ints and floats as Go does (different kinds do not compare)', () => {
    assert.equal(run('{{gt .State.Pid 0}} {{eq .Ratio 0.25}}', container), 'true true');
    assert.throws(() => run('{{lt .Ratio 1}}', container), /incompatible types for comparison/);
  });
});

describe('control structures', () => {
  it('ranges over maps in key order with $k, $v, and over arrays with an index', () => {
    assert.equal(run('{{range $k, $v := .NetworkSettings.Networks}}{{$k}}={{$v.IPAddress}} {{end}}', container),
      'backend=10.0.0.5 bridge=172.17.0.2 ');
    assert.equal(run('{{range $i, $a := .Config.Cmd}}{{if $i}},{{end}}{{$a}}{{end}}', container), 'nginx,-g,daemon off;');
    assert.equal(run('{{range .Missing}}x{{else}}none{{end}}', container), 'none');
  });

  it('supports if/else if/else, with, $ and declared variables', () => {
    const t = '{{if eq .State.Status "exited"}}E{{else if .State.Running}}R{{else}}?{{end}}';
    assert.equal(run(t, container), 'R');
    assert.equal(run('{{with .State}}{{.Status}} of {{$.Name}}{{end}}', container), 'running of /web');
    assert.equal(run('{{$n := len .Config.Env}}{{$n}} {{$n = 7}}{{$n}}', container), '2 7');
  });

  it('trims whitespace around {{- and -}}, and drops comments', () => {
    assert.equal(run('a  \n {{- .Name -}} \n  b {{/* note */}}c {{- /* x */ -}} d', container), 'a/webb cd');
  });

  it('supports parenthesised arguments and pipelines into the last argument', () => {
    assert.equal(run('{{printf "%s-%d" (index .Config.Cmd 0) (len .Config.Env)}}', container), 'nginx-2');
    assert.equal(run('{{.Name | printf "%q" | upper}}', container), '"/WEB"');
  });
});

describe('docker template functions', () => {
  it('json does not escape HTML characters and keeps the data order', () => {
    assert.equal(run('{{json .Config.Labels}}', container),
      '{"com.docker.compose.project":"demo","maintainer":"me <me@example.com>"}');
    assert.equal(run('{{json .}}', { s: 'a\u2028b', n: -0, f: 1.5, u: undefined }), '{"s":"a\\u2028b","n":-0,"f":1.5}');
    assert.equal(run('{{json .}}', { n: NaN }), '');
  });

  it('join, split, lower, upper, title, pad and truncate', () => {
    assert.equal(run('{{join .Config.Env ","}}', container), 'A=1,B=2');
    assert.equal(run('{{index (split .Name "/") 1}}', container), 'web');
    assert.equal(run('{{upper .Name}} {{title "web app"}} {{lower "AbC"}}', container), '/WEB Web App abc');
    assert.equal(run('[{{pad .Name 1 2}}][{{truncate .Name 2}}]', container), '[ /web  ][/w]');
  });

  it('header functions leave the header text alone, except pad', () => {
    const t = compileTemplate('{{upper .ID}}|{{json .ID}}|{{truncate .ID 1}}|{{pad .ID 1 0}}');
    assert.equal(t.executePartial({ ID: 'CONTAINER ID' }, { funcs: headerFunctions }).output,
      'CONTAINER ID|CONTAINER ID|CONTAINER ID| CONTAINER ID');
  });

  it('executePartial keeps what was written before the error', () => {
    const r = compileTemplate('a{{json .}}b').executePartial({ X: 1 }, { funcs: headerFunctions });
    assert.equal(r.output, 'a');
    assert.ok(r.error instanceof TemplateExecError);
    assert.equal(r.error.message,
      'template: :1:8: executing "" at <.>: wrong type for value; expected string; got map[string]interface {}');
  });
});

describe('errors', () => {
  it('reports parse errors with Go\'s wording and line numbers', () => {
    assert.throws(() => compileTemplate('{{.Name }'), { message: 'template: :1: unexpected "}" in operand' });
    assert.throws(() => compileTemplate('line1\n{{if .A}}'), { message: 'template: :2: unexpected EOF' });
    assert.throws(() => compileTemplate('{{.A\n\n'), { message: 'template: :3: unclosed action started at :1' });
    assert.throws(() => compileTemplate('{{nope}}'), { message: 'template: :1: function "nope" not defined' });
  });

  it('locates execution errors by line and byte column', () => {
    assert.throws(() => run('é\n  {{index .A 5}}', { A: [1] }),
      { message: 'template: :2:4: executing "" at <index .A 5>: error calling index: index out of range: 5' });
    assert.throws(() => run('{{range .}}{{end}}', 1.5),
      { message: 'template: :1:8: executing "" at <.>: range can\'t iterate over 1.5' });
  });

  it('accepts extra functions and checks their argument types', () => {
    const t = compileTemplate('{{double .N}}', {
      funcs: { double: { params: ['int'], fn: (n) => Number(n) * 2 } },
    });
    assert.equal(t.execute({ N: 21 }), '42');
    assert.throws(() => t.execute({ N: 'x' }),
      { message: 'template: :1:9: executing "" at <.N>: wrong type for value; expected int; got string' });
  });
});
