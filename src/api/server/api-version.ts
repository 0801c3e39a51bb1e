/** The Engine API versions berth speaks (https://docs.docker.com/engine/api/#api-version-matrix). */
export const API_VERSION = '1.50';
export const MIN_API_VERSION = '1.24';

export function compareVersions(a: string, b: string): number {
  const [a1 = 0, a2 = 0] = a.split('.').map(Number);
  const [b1 = 0, b2 = 0] = b.split('.').map(Number);
  return a1 !== b1 ? a1 - b1 : a2 - b2;
}
