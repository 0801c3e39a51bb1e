import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseStages } from './instructions.js';
import { parseDockerfile } from './parse-dockerfile.js';
import { ShellLex, envLookup } from './shell-lex.js';

const code = (e: unknown) => (e as { code?: string }).code;

describe('Dockerfile syntax', () => {
  it('joins continuations, drops comments inside them, keeps line numbers', () => {
    const df = parseDockerfile('# comment\nFROM busybox\nRUN echo a \\\n# inner comment\n  b\n\nENV X=1\n');
    assert.deepEqual(df.nodes.map((n) => [n.keyword, n.startLine, n.endLine]), [['FROM', 2, 2], ['RUN', 3, 5], ['ENV', 7, 7]]);
    assert.equal(df.nodes[1]!.rest, 'echo a   b');
  });

  it('honours the escape directive and only at the top', () => {
    const df = parseDockerfile('# escape=`\nFROM x\nRUN dir c:\\ `\n  && echo\n');
    assert.equal(df.escape, '`');
    assert.equal(df.nodes[1]!.rest, 'dir c:\\   && echo');
    assert.equal(parseDockerfile('FROM x\n# escape=`\nRUN a \\\nb\n').escape, '\\');
  });

  it('reads heredocs, stripping tabs with <<- and noting quoted delimiters', () => {
    const df = parseDockerfile('FROM x\nRUN <<EOF\necho $A\nEOF\nCOPY <<-"CFG" /etc/cfg\n\tkey=$V\n\tCFG\nRUN echo done\n');
    assert.deepEqual(df.nodes[1]!.heredocs, [{ name: 'EOF', content: 'echo $A\n', expand: true }]);
    assert.deepEqual(df.nodes[2]!.heredocs, [{ name: 'CFG', content: 'key=$V\n', expand: false }]);
    assert.equal(df.nodes[3]!.startLine, 8);
    assert.throws(() => parseDockerfile('FROM x\nRUN <<EOF\nno end\n'), /line 2: unterminated heredoc EOF/);
  });

  it('splits flags off the arguments', () => {
    const df = parseStages('FROM busybox\nCOPY --from=build --chown=1:2 a b /dst/\nRUN --mount=type=cache,target=/c --network=none make\n');
    const [copy, run] = df.stages[0]!.commands;
    assert.equal(copy!.kind, 'COPY');
    if (copy!.kind === 'COPY') assert.deepEqual([copy.flags.from, copy.flags.chown, copy.sources, copy.dest], ['build', '1:2', ['a', 'b'], '/dst/']);
    if (run!.kind === 'RUN') assert.deepEqual([run.mounts, run.network], [['type=cache,target=/c'], 'none']);
  });

  it('reports bad instructions with their line number', () => {
    assert.throws(() => parseStages('FROM busybox\n\nBOGUS x\n'), (e) => code(e) === 'InvalidArgument' && /line 3: unknown instruction: BOGUS/.test(String(e)));
    assert.throws(() => parseStages('FROM busybox\nCOPY --nope=1 a b\n'), /line 2: unknown flag: nope/);
    assert.throws(() => parseStages('RUN x\nFROM busybox\n'), /line 1: no build stage/);
    assert.throws(() => parseStages('FROM a AS x\nFROM b AS x\n'), /line 2: duplicate name/);
    assert.throws(() => parseStages('FROM busybox\nSHELL sh -c\n'), /line 2: SHELL requires the arguments to be in JSON form/);
    assert.throws(() => parseStages('FROM busybox\nONBUILD ONBUILD RUN x\n'), /line 2: Chaining ONBUILD/);
    assert.throws(() => parseStages('FROM busybox\nCOPY onlyone\n'), /line 2: COPY requires at least two arguments/);
    assert.throws(() => parseStages('FROM busybox\nENV\n'), /line 2: ENV requires at least one argument/);
  });

  it('parses ENV and LABEL in both forms', () => {
    const df = parseStages('FROM x\nENV A=1 B="two words" C=\'x y\'\nENV D some value\nLABEL "a b"=c\n');
    const [e1, e2, l] = df.stages[0]!.commands;
    if (e1!.kind === 'ENV') assert.deepEqual(e1.pairs, [['A', '1'], ['B', '"two words"'], ['C', "'x y'"]]);
    if (e2!.kind === 'ENV') assert.deepEqual(e2.pairs, [['D', 'some value']]);
    if (l!.kind === 'LABEL') assert.deepEqual(l.pairs, [['"a b"', 'c']]);
  });
});

describe('variable substitution', () => {
  const lex = new ShellLex('\\');
  const env = envLookup(['A=alpha', 'E=', 'SP=x y']);
  it('expands the documented forms', () => {
    assert.equal(lex.processWord('$A ${A} ${A:-d} ${U:-d} ${E:-d} ${E-d} ${A:+set} ${U:+set} ${E+set}', env), 'alpha alpha alpha d d  set  set');
    assert.equal(lex.processWord('\\$A \'$A\' "$A" "\\$A"', env), '$A $A alpha $A');
    assert.equal(lex.processWord('${U:-${A}-x}', env), 'alpha-x');
  });
  it('splits words after substitution, keeping quoted spaces', () => {
    assert.deepEqual(lex.processWords('$SP "a b" c\\ d', env), ['x', 'y', 'a b', 'c d']);
    assert.deepEqual(lex.processWords('""', env), ['']);
  });
  it('reports bad substitutions', () => {
    assert.throws(() => lex.processWord('${A', env), /missing '}'/);
    assert.throws(() => lex.processWord('${A%x}', env), /unsupported modifier/);
    assert.throws(() => lex.processWord('${U:?must be set}', env), /U: must be set/);
    assert.throws(() => lex.processWord('"open', env), /double-quote/);
  });
});
