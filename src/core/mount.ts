/**
 * The handshake between a snapshotter and the runtime: what to mount, not how
 * it was produced (the same role as containerd's mount.Mount).
 */
export interface Mount {
  type: string;
  source: string;
  options: string[];
}
