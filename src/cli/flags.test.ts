import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFlags, UsageError, type FlagSpec } from './flags.js';

const specs: FlagSpec[] = [
  { name: 'detach', short: 'd', type: 'bool', description: '' },
  { name: 'interactive', short: 'i', type: 'bool', description: '' },
  { name: 'tty', short: 't', type: 'bool', description: '' },
  { name: 'env', short: 'e', type: 'list', description: '' },
  { name: 'name', type: 'string', description: '' },
  { name: 'time', short: 't2', type: 'int', description: '' },
];

describe('docker-style flag parsing', () => {
  it('bundles short booleans and takes values in every docker form', () => {
    const p = parseFlags(['-it', '-e', 'A=1', '-eB=2', '-e=C=3', '--env', 'D=4', '--env=E=5', '--name=x', 'img'], specs);
    assert.equal(p.flags.interactive, true);
    assert.equal(p.flags.tty, true);
    assert.deepEqual(p.flags.env, ['A=1', 'B=2', 'C=3', 'D=4', 'E=5']);
    assert.equal(p.flags.name, 'x');
    assert.deepEqual(p.args, ['img']);
    assert.ok(p.given.has('env') && !p.given.has('detach'));
  });

  it('stops at the first argument when not interspersed, so container flags pass through', () => {
    const p = parseFlags(['-d', 'busybox', 'ls', '-la', '--name', 'y'], specs, { interspersed: false });
    assert.equal(p.flags.detach, true);
    assert.equal(p.flags.name, undefined);
    assert.deepEqual(p.args, ['busybox', 'ls', '-la', '--name', 'y']);
  });

  it('accepts --flag=false for booleans and -- as the end of flags', () => {
    const p = parseFlags(['--detach=false', '--', '-d'], specs);
    assert.equal(p.flags.detach, false);
    assert.deepEqual(p.args, ['-d']);
  });

  it('reports unknown flags, missing values and bad values like pflag', () => {
    assert.throws(() => parseFlags(['--nope'], specs), (e: Error) => e instanceof UsageError && e.message === 'unknown flag: --nope');
    assert.throws(() => parseFlags(['-x'], specs), /unknown shorthand flag: 'x' in -x/);
    assert.throws(() => parseFlags(['--name'], specs), /flag needs an argument: --name/);
    assert.throws(() => parseFlags(['--detach=maybe'], specs), /invalid argument "maybe" for "--detach" flag/);
    assert.throws(() => parseFlags(['--time=soon'], specs), /invalid argument "soon" for "--time" flag/);
  });
});
