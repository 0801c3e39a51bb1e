/** Layer tar apply and diff (OCI image-spec layer.md); see DESIGN.md `layers/`. */
export { applyLayer, type ApplyOptions, type ApplyResult } from './apply-layer.js';
export { writeDiff, tarTree, archivePath, statPath, type PackOptions } from './write-diff.js';
export type { PathStat } from './worker-io.js';
