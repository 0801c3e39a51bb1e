import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig } from './config-defaults.js';
import { mergeEnv, mergeImageConfig, processArgs } from './merge-config.js';

describe('container config from image config', () => {
  it('merges env: replace in place, append, and remove with a bare key', () => {
    assert.deepEqual(mergeEnv(['PATH=/bin', 'A=1', 'B=2'], ['A=9', 'C=3', 'B']), ['PATH=/bin', 'A=9', 'C=3']);
  });

  it('inherits Cmd only when neither Cmd nor Entrypoint is given', () => {
    const image = { Cmd: ['sh'], Entrypoint: ['/init'], Env: ['X=1'], WorkingDir: '/app', User: 'app', Labels: { a: '1' } };
    const inherit = mergeImageConfig({ ...defaultConfig(), Image: 'i' }, image);
    assert.deepEqual(processArgs(inherit), ['/init', 'sh']);
    assert.equal(inherit.WorkingDir, '/app');
    assert.equal(inherit.User, 'app');
    const userCmd = mergeImageConfig({ ...defaultConfig(), Image: 'i', Cmd: ['ls'] }, image);
    assert.deepEqual(processArgs(userCmd), ['/init', 'ls']);
    const userEntry = mergeImageConfig({ ...defaultConfig(), Image: 'i', Entrypoint: ['echo'] }, image);
    assert.deepEqual(processArgs(userEntry), ['echo']);
    const cleared = mergeImageConfig({ ...defaultConfig(), Image: 'i', Entrypoint: [''], Cmd: ['true'] }, image);
    assert.deepEqual(processArgs(cleared), ['true']);
    const labels = mergeImageConfig({ ...defaultConfig(), Image: 'i', Labels: { b: '2', a: 'x' } }, image);
    assert.deepEqual(labels.Labels, { a: 'x', b: '2' });
  });

  it('refuses a container with no command at all', () => {
    const c = mergeImageConfig({ ...defaultConfig(), Image: 'i' }, {});
    assert.throws(() => processArgs(c), (e: { code?: string; message: string }) => e.code === 'InvalidArgument' && e.message === 'No command specified');
  });
});

describe('healthcheck merge', () => {
  it('takes unset fields from the image and the user’s fields over them', () => {
    const user = { Env: [], Cmd: ['x'], Entrypoint: null, Labels: {}, Healthcheck: { Test: [], Interval: 5e9, Retries: 0 } } as never;
    const merged = mergeImageConfig(user, { Healthcheck: { Test: ['CMD', 'true'], Interval: 30e9, Timeout: 3e9, Retries: 2 } });
    assert.deepEqual(merged.Healthcheck, { Test: ['CMD', 'true'], Interval: 5e9, Timeout: 3e9, StartPeriod: undefined, StartInterval: undefined, Retries: 2 });
  });
});
