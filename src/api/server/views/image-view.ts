import { familiarName, familiarString, parseReference, splitTagged } from '../../../core/reference.js';
import type { ImageView } from '../../../engine/images/image-service.js';
import { compareVersions } from '../api-version.js';

function repoTags(v: ImageView): string[] {
  return v.tags.map((t) => {
    const { repo, tag } = splitTagged(t);
    return `${familiarName(repo)}:${tag}`;
  });
}

function repoDigests(v: ImageView): string[] {
  return v.record.repoDigests.map((d) => familiarString(parseReference(d)));
}

function created(v: ImageView): string {
  return v.config.created ?? v.record.addedAt;
}

/** One entry of `GET /images/json`. */
export function summarizeImage(v: ImageView, apiVersion: string): Record<string, unknown> {
  const tags = repoTags(v);
  const old = compareVersions(apiVersion, '1.44') < 0;
  return {
    Id: v.record.id,
    ParentId: v.record.parent ?? '',
    RepoTags: tags.length ? tags : old ? ['<none>:<none>'] : [],
    RepoDigests: repoDigests(v).length ? repoDigests(v) : old && !tags.length ? ['<none>@<none>'] : [],
    Created: Math.floor(Date.parse(created(v)) / 1000),
    Size: v.size,
    SharedSize: -1,
    ...(old ? { VirtualSize: v.size } : {}),
    Labels: v.config.config?.Labels ?? null,
    Containers: -1,
  };
}

/** `GET /images/{name}/json`, Docker's shape. */
export function inspectImage(v: ImageView, apiVersion: string, driver: string): Record<string, unknown> {
  const c = v.config;
  const old = compareVersions(apiVersion, '1.44') < 0;
  return {
    Id: v.record.id,
    RepoTags: repoTags(v),
    RepoDigests: repoDigests(v),
    Parent: v.record.parent ?? '',
    Comment: c.comment ?? '',
    Created: created(v),
    ...(old ? { Container: '', ContainerConfig: emptyRunConfig() } : {}),
    DockerVersion: c.docker_version ?? '',
    Author: c.author ?? '',
    Config: { ...emptyRunConfig(), ...(c.config ?? {}) },
    Architecture: c.architecture,
    ...(c.variant ? { Variant: c.variant } : {}),
    Os: c.os,
    Size: v.size,
    ...(old ? { VirtualSize: v.size } : {}),
    GraphDriver: { Data: null, Name: driver },
    RootFS: { Type: 'layers', Layers: c.rootfs.diff_ids },
    Metadata: { LastTagTime: v.tags.length ? v.record.addedAt : '0001-01-01T00:00:00Z' },
  };
}

function emptyRunConfig(): Record<string, unknown> {
  return {
    Hostname: '',
    Domainname: '',
    User: '',
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: null,
    Cmd: null,
    Image: '',
    Volumes: null,
    WorkingDir: '',
    Entrypoint: null,
    OnBuild: null,
    Labels: null,
  };
}
