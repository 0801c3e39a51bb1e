import assert from 'node:assert/strict';
import { it } from 'node:test';
import { progressBar, toJsonMessage } from './progress-message.js';

it('renders Docker JSON messages and progress bars', () => {
  assert.equal(progressBar(0, 100), `[>${' '.repeat(49)}]       0B/100B`);
  assert.equal(progressBar(1_048_576, 2_097_152), `[${'='.repeat(25)}>${' '.repeat(24)}]  1.049MB/2.097MB`);
  assert.equal(progressBar(5, 5), `[${'='.repeat(50)}]       5B/5B`);
  assert.deepEqual(toJsonMessage({ id: 'abc', status: 'Downloading', current: 1, total: 2 }), {
    status: 'Downloading', progressDetail: { current: 1, total: 2 }, progress: progressBar(1, 2), id: 'abc',
  });
  assert.deepEqual(toJsonMessage({ id: 'abc', status: 'Pull complete' }), { status: 'Pull complete', progressDetail: {}, id: 'abc' });
  assert.deepEqual(toJsonMessage({ aux: { Tag: 'v1' } }), { progressDetail: {}, aux: { Tag: 'v1' } });
  assert.deepEqual(toJsonMessage({ status: 'Digest: x' }), { status: 'Digest: x' });
});
