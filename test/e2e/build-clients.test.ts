/**
 * Real clients against berth's POST /build: the docker CLI 20.10 and 28 with the classic
 * builder (DOCKER_BUILDKIT=0), docker-py and docker-compose 1.29.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TestDaemon, run } from './harness.js';

const CLIS = ['/usr/local/bin/docker', '/usr/bin/docker'].filter((p) => existsSync(p));
const PYTHON = ['/usr/bin/python3'].find((p) => existsSync(p));

describe('build clients against berth', () => {
  let d: TestDaemon;
  let dir = '';
  before(async () => {
    d = await TestDaemon.start();
    dir = join(d.dir, 'ctx');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'f.txt'), 'file\n');
    writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nARG X=default\nCOPY f.txt /f.txt\nRUN echo "x=$X"; cat /f.txt\nCMD ["cat", "/f.txt"]\n');
    writeFileSync(join(dir, 'Failing.Dockerfile'), 'FROM busybox\nRUN echo before-failure; exit 5\n');
  });
  after(async () => {
    await d.cleanup();
  });

  for (const cli of CLIS) {
    it(`docker build (${cli}, DOCKER_BUILDKIT=0): output, cache, tags, failures`, async () => {
      const env = { DOCKER_BUILDKIT: '0' };
      const b = await d.docker(['build', '--no-cache', '-t', `cli${CLIS.indexOf(cli)}:1`, '--build-arg', 'X=given', dir], { binary: cli, env });
      assert.equal(b.code, 0, b.stderr);
      assert.match(b.stdout, /Sending build context to Docker daemon/);
      assert.match(b.stdout, /Step 1\/5 : FROM busybox\n ---> [a-f0-9]{12}\n/);
      assert.match(b.stdout, /x=given\nfile\n/);
      assert.match(b.stdout, /Successfully built [a-f0-9]{12}\nSuccessfully tagged cli\d:1\n/);
      const again = await d.docker(['build', '-t', `cli${CLIS.indexOf(cli)}:1`, '--build-arg', 'X=given', dir], { binary: cli, env });
      assert.equal(again.stdout.match(/ ---> Using cache/g)?.length, 4);
      const r = await d.docker(['run', '--rm', `cli${CLIS.indexOf(cli)}:1`], { binary: cli });
      assert.equal(r.stdout, 'file\n');
      const fail = await d.docker(['build', '-f', join(dir, 'Failing.Dockerfile'), dir], { binary: cli, env });
      assert.notEqual(fail.code, 0);
      assert.match(fail.stdout, /before-failure/);
      assert.match(fail.stderr, /The command '\/bin\/sh -c echo before-failure; exit 5' returned a non-zero code: 5/);
      const bad = await d.docker(['build', '-'], { binary: cli, env, input: 'FROM busybox\nNOPE\n' });
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /dockerfile parse error line 2: unknown instruction: NOPE/);
    });
  }

  it('docker-py builds, streams logs and raises BuildError', { skip: !PYTHON && 'python3-docker is not installed' }, async () => {
    const script = `
import docker, sys
c = docker.DockerClient(base_url=sys.argv[1])
img, logs = c.images.build(path=sys.argv[2], tag='py:1', buildargs={'X': 'py'}, rm=True)
print(img.id)
print(''.join(l.get('stream', '') for l in logs if 'stream' in l).count('x=py'))
try:
    c.images.build(path=sys.argv[2], dockerfile='Failing.Dockerfile')
except docker.errors.BuildError as e:
    print('BuildError', e.msg)
`;
    const r = await run(PYTHON!, ['-c', script, d.host, dir]);
    assert.equal(r.code, 0, r.stderr);
    const [id, count, err] = r.stdout.trim().split('\n');
    assert.match(id!, /^sha256:[a-f0-9]{64}$/);
    assert.equal(count, '1');
    assert.match(err!, /^BuildError The command '\/bin\/sh -c echo before-failure; exit 5' returned a non-zero code: 5/);
    assert.equal((await d.berth(['image', 'inspect', '-f', '{{.Id}}', 'py:1'])).stdout.trim(), id);
  });

  it('docker-compose build', { skip: !existsSync('/usr/bin/docker-compose') && 'docker-compose is not installed' }, async () => {
    writeFileSync(join(dir, 'docker-compose.yml'), 'version: "2.4"\nservices:\n  app:\n    build:\n      context: .\n      args:\n        X: composed\n    image: composed:1\n');
    const r = await run('/usr/bin/docker-compose', ['--project-directory', dir, '-f', join(dir, 'docker-compose.yml'), 'build'], { env: { ...process.env, DOCKER_HOST: d.host } });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout + r.stderr, /x=composed/);
    assert.equal((await d.berth(['run', '--rm', 'composed:1'])).stdout, 'file\n');
  });
});
