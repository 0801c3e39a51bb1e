import type { VolumeRecord, VolumeService } from '../../../engine/volumes/volume-service.js';

/** A volume in the Engine API's shape (`GET /volumes/{name}`). */
export function volumeView(volumes: VolumeService, v: VolumeRecord): Record<string, unknown> {
  return {
    CreatedAt: v.CreatedAt,
    Driver: v.Driver,
    Labels: v.Labels,
    Mountpoint: volumes.dataPath(v.Name),
    Name: v.Name,
    Options: v.Options,
    Scope: 'local',
  };
}
