"""docker-py's high-level client against DOCKER_HOST (berth or dockerd).

Argv: <registry host:port> <busybox tar>. Prints one "ok <step>" line per step; any failure raises.
"""
import io
import sys
import tarfile
import time

import docker

registry, busybox_tar = sys.argv[1], sys.argv[2]
client = docker.from_env(version='auto')
step = lambda name: print(f'ok {name}', flush=True)

assert client.ping()
info = client.info()
for key in ('Containers', 'Images', 'ServerVersion', 'OperatingSystem', 'NCPU', 'MemTotal', 'Driver'):
    assert key in info, key
assert client.version()['ApiVersion']
step('ping/info/version')

with open(busybox_tar, 'rb') as f:
    client.images.load(f.read()) if busybox_tar.endswith('.docker.tar') else client.api.import_image_from_data(f.read(), repository='busybox', tag='latest')
img = client.images.get('busybox:latest')
step('images load/get')

# images: build, tag, push, remove, pull, list
dockerfile = b'FROM busybox:latest\nLABEL scenario=docker-py\nRUN echo built > /built.txt\nCMD ["cat", "/built.txt"]\n'
ctx = io.BytesIO()
with tarfile.open(fileobj=ctx, mode='w') as t:
    info_ = tarfile.TarInfo('Dockerfile')
    info_.size = len(dockerfile)
    t.addfile(info_, io.BytesIO(dockerfile))
ctx.seek(0)
built, logs = client.images.build(fileobj=ctx, custom_context=True, tag='pyscenario/built:1', rm=True)
assert any('stream' in l for l in logs)
assert built.labels.get('scenario') == 'docker-py', built.labels
assert client.containers.run('pyscenario/built:1', remove=True) == b'built\n'
step('images build + run')

remote = f'{registry}/pyscenario/built:1'
assert built.tag(remote)
for line in client.images.push(remote, stream=True, decode=True):
    assert 'error' not in line, line
client.images.remove(remote)
client.images.remove('pyscenario/built:1')
pulled = client.images.pull(f'{registry}/pyscenario/built', tag='1')
assert pulled.id == built.id, (pulled.id, built.id)
assert any(remote in (i.tags or []) for i in client.images.list())
assert client.images.list(filters={'label': 'scenario=docker-py'})
step('images tag/push/remove/pull/list')

# networks and volumes
net = client.networks.create('pyscenario-net', driver='bridge', labels={'scenario': 'docker-py'})
vol = client.volumes.create('pyscenario-vol', labels={'scenario': 'docker-py'})
assert client.networks.list(filters={'label': 'scenario=docker-py'})[0].id == net.id
assert client.volumes.list(filters={'label': 'scenario=docker-py'})[0].name == 'pyscenario-vol'
step('networks/volumes create/list')

# containers: run detached, list, logs, exec_run, stop, remove
server = client.containers.run('busybox', ['sh', '-c', 'echo started; echo data > /data/file; exec sleep 300'], name='pyscenario-server',
                               detach=True, network='pyscenario-net', volumes={'pyscenario-vol': {'bind': '/data', 'mode': 'rw'}},
                               labels={'scenario': 'docker-py'})
deadline = time.time() + 20
while b'started' not in server.logs() and time.time() < deadline:
    time.sleep(0.1)
assert server.logs() == b'started\n', server.logs()
server.reload()
assert server.status == 'running', server.status
assert [c.id for c in client.containers.list(filters={'label': 'scenario=docker-py'})] == [server.id]
assert net.name in server.attrs['NetworkSettings']['Networks']
step('containers run/list/logs')

code, out = server.exec_run(['cat', '/data/file'])
assert (code, out) == (0, b'data\n'), (code, out)
code, out = server.exec_run('sh -c "exit 3"')
assert code == 3, code
code, out = server.exec_run(['sh', '-c', 'echo $X; pwd'], environment={'X': 'y'}, workdir='/data', demux=True)
assert (code, out) == (0, (b'y\n/data\n', None)), (code, out)
step('containers exec_run')

# another container reaches the first by name on the user-defined network
out = client.containers.run('busybox', ['ping', '-c', '1', '-W', '5', 'pyscenario-server'], network='pyscenario-net', remove=True)
assert b'1 packets received' in out, out
step('network DNS')

server.stop(timeout=1)
server.reload()
assert server.status == 'exited', server.status
server.remove()
assert not client.containers.list(all=True, filters={'label': 'scenario=docker-py'})
step('containers stop/remove')

net.remove()
vol.remove()
try:
    client.containers.get('pyscenario-server')
    raise AssertionError('container still there')
except docker.errors.NotFound:
    pass
step('networks/volumes remove, NotFound')

pruned = client.containers.prune()
assert 'SpaceReclaimed' in pruned
df = client.df()
assert 'LayersSize' in df and 'Images' in df
client.images.remove(remote)
step('prune/df')
print('docker-py scenario passed')
