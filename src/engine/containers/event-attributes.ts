import type { ContainerRecord } from './container-record.js';

/** Docker puts the image, the name (without slash) and every label on container events. */
export function eventAttributes(c: ContainerRecord, extra: Record<string, string> = {}): Record<string, string> {
  return { ...c.config.Labels, image: c.config.Image, name: c.name.slice(1), ...extra };
}
