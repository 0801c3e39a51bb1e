import type { Command } from './command.js';

type Loader = () => Promise<{ default: Command }>;

const run: Loader = () => import('./commands/container/run.js');
const create: Loader = () => import('./commands/container/create.js');
const start: Loader = () => import('./commands/container/start.js');
const stop: Loader = () => import('./commands/container/stop.js');
const kill: Loader = () => import('./commands/container/kill.js');
const restart: Loader = () => import('./commands/container/restart.js');
const rm: Loader = () => import('./commands/container/rm.js');
const wait: Loader = () => import('./commands/container/wait.js');
const ps: Loader = () => import('./commands/container/ps.js');
const logs: Loader = () => import('./commands/container/logs.js');
const containerInspect: Loader = () => import('./commands/container/inspect.js');
const inspect: Loader = () => import('./commands/system/inspect.js');
const importImage: Loader = () => import('./commands/image/import.js');
const images: Loader = () => import('./commands/image/images.js');
const rmi: Loader = () => import('./commands/image/rmi.js');
const tag: Loader = () => import('./commands/image/tag.js');
const imageInspect: Loader = () => import('./commands/image/inspect.js');
const version: Loader = () => import('./commands/system/version.js');
const info: Loader = () => import('./commands/system/info.js');
const build: Loader = () => import('./commands/image/build.js');
const builderPrune: Loader = () => import('./commands/image/builder-prune.js');
const cp: Loader = () => import('./commands/container/cp.js');
const exec: Loader = () => import('./commands/container/exec.js');
const attach: Loader = () => import('./commands/container/attach.js');
const port: Loader = () => import('./commands/container/port.js');
const networkCreate: Loader = () => import('./commands/network/create.js');
const networkLs: Loader = () => import('./commands/network/ls.js');
const networkInspect: Loader = () => import('./commands/network/inspect.js');
const networkRm: Loader = () => import('./commands/network/rm.js');
const networkPrune: Loader = () => import('./commands/network/prune.js');
const networkConnect: Loader = () => import('./commands/network/connect.js');
const networkDisconnect: Loader = () => import('./commands/network/disconnect.js');
const volumeCreate: Loader = () => import('./commands/volume/create.js');
const volumeLs: Loader = () => import('./commands/volume/ls.js');
const volumeInspect: Loader = () => import('./commands/volume/inspect.js');
const volumeRm: Loader = () => import('./commands/volume/rm.js');
const volumePrune: Loader = () => import('./commands/volume/prune.js');
const pull: Loader = () => import('./commands/registry/pull.js');
const push: Loader = () => import('./commands/registry/push.js');
const login: Loader = () => import('./commands/registry/login.js');
const logout: Loader = () => import('./commands/registry/logout.js');
const save: Loader = () => import('./commands/registry/save.js');
const load: Loader = () => import('./commands/registry/load.js');
const exportFs: Loader = () => import('./commands/registry/export.js');
const history: Loader = () => import('./commands/registry/history.js');
const imagePrune: Loader = () => import('./commands/registry/prune.js');
const imageRollback: Loader = () => import('./commands/registry/rollback.js');
const containerPrune: Loader = () => import('./commands/container/prune.js');
const systemDf: Loader = () => import('./commands/system/df.js');
const systemPrune: Loader = () => import('./commands/system/prune.js');

const pauseCmd: Loader = () => import('./commands/container/pause.js');
const unpauseCmd: Loader = () => import('./commands/container/unpause.js');
const renameCmd: Loader = () => import('./commands/container/rename.js');
const topCmd: Loader = () => import('./commands/container/top.js');
const updateCmd: Loader = () => import('./commands/container/update.js');
const statsCmd: Loader = () => import('./commands/container/stats.js');
const diffCmd: Loader = () => import('./commands/container/diff.js');
const commitCmd: Loader = () => import('./commands/container/commit.js');
const eventsCmd: Loader = () => import('./commands/system/events.js');

/** Every command name, with docker's aliases (`ps` = `container ls`, `rmi` = `image rm`, ...). */
export const COMMANDS: Record<string, Loader> = {
  run,
  create,
  start,
  stop,
  kill,
  restart,
  rm,
  wait,
  ps,
  logs,
  inspect,
  import: importImage,
  images,
  rmi,
  tag,
  version,
  info,
  'container run': run,
  'container create': create,
  'container start': start,
  'container stop': stop,
  'container kill': kill,
  'container restart': restart,
  'container rm': rm,
  'container remove': rm,
  'container wait': wait,
  'container ls': ps,
  'container ps': ps,
  'container list': ps,
  'container logs': logs,
  'container inspect': containerInspect,
  'image import': importImage,
  'image ls': images,
  'image list': images,
  'image rm': rmi,
  'image remove': rmi,
  'image tag': tag,
  'image inspect': imageInspect,
  'system info': info,
  build,
  'image build': build,
  'builder build': build,
  'builder prune': builderPrune,
  cp,
  'container cp': cp,
  exec,
  'container exec': exec,
  attach,
  'container attach': attach,
  port,
  'container port': port,
  'network create': networkCreate,
  'network ls': networkLs,
  'network list': networkLs,
  'network inspect': networkInspect,
  'network rm': networkRm,
  'network remove': networkRm,
  'network prune': networkPrune,
  'network connect': networkConnect,
  'network disconnect': networkDisconnect,
  'volume create': volumeCreate,
  'volume ls': volumeLs,
  'volume list': volumeLs,
  'volume inspect': volumeInspect,
  'volume rm': volumeRm,
  'volume remove': volumeRm,
  'volume prune': volumePrune,
  pull,
  push,
  login,
  logout,
  save,
  load,
  export: exportFs,
  history,
  'image pull': pull,
  'image push': push,
  'image save': save,
  'image load': load,
  'image history': history,
  'image prune': imagePrune,
  'image rollback': imageRollback,
  'container export': exportFs,
  'container prune': containerPrune,
  'system df': systemDf,
  'system prune': systemPrune,
  pause: pauseCmd,
  'container pause': pauseCmd,
  unpause: unpauseCmd,
  'container unpause': unpauseCmd,
  rename: renameCmd,
  'container rename': renameCmd,
  top: topCmd,
  'container top': topCmd,
  update: updateCmd,
  'container update': updateCmd,
  stats: statsCmd,
  'container stats': statsCmd,
  diff: diffCmd,
  'container diff': diffCmd,
  commit: commitCmd,
  'container commit': commitCmd,
  events: eventsCmd,
  'system events': eventsCmd,
};

export const TOP_LEVEL_HELP = `
Usage:  berth [OPTIONS] COMMAND

A Docker-compatible container engine

Common Commands:
  run         Create and run a new container from an image
  build       Build an image from a Dockerfile
  ps          List containers
  images      List images
  pull        Download an image from a registry
  push        Upload an image to a registry
  login       Log in to a registry
  logout      Log out from a registry
  import      Import the contents from a tarball to create a filesystem image
  version     Show the berth version information
  info        Display system-wide information

Management Commands:
  builder     Manage builds
  container   Manage containers
  image       Manage images
  network     Manage networks
  volume      Manage volumes
  system      Manage berth
  daemon      Run the berth daemon (berth daemon --help)

Commands:
  attach      Attach local standard input, output, and error streams to a running container
  commit      Create a new image from a container's changes
  cp          Copy files/folders between a container and the local filesystem
  create      Create a new container
  diff        Inspect changes to files or directories on a container's filesystem
  events      Get real time events from the server
  exec        Execute a command in a running container
  export      Export a container's filesystem as a tar archive
  history     Show the history of an image
  inspect     Return low-level information on containers or images
  kill        Kill one or more running containers
  load        Load an image from a tar archive or STDIN
  logs        Fetch the logs of a container
  pause       Pause all processes within one or more containers
  port        List port mappings or a specific mapping for the container
  rename      Rename a container
  restart     Restart one or more containers
  rm          Remove one or more containers
  rmi         Remove one or more images
  save        Save one or more images to a tar archive
  start       Start one or more stopped containers
  stats       Display a live stream of container(s) resource usage statistics
  stop        Stop one or more running containers
  tag         Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE
  top         Display the running processes of a container
  unpause     Unpause all processes within one or more containers
  update      Update configuration of one or more containers
  wait        Block until one or more containers stop, then print their exit codes

Global Options:
  -D, --debug          Enable debug mode
  -H, --host string    Daemon socket to connect to (default unix:///run/berth/berth.sock; env BERTH_HOST)
  -v, --version        Print version information and quit

Run 'berth COMMAND --help' for more information on a command.
`;
