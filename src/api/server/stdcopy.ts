/**
 * Docker's multiplexed stream framing for non-TTY attach, logs and exec
 * (https://docs.docker.com/engine/api/v1.41/#operation/ContainerAttach):
 * an 8-byte header [stream, 0, 0, 0, size uint32 BE] before each payload.
 */
export const StdStream = { stdin: 0, stdout: 1, stderr: 2, systemErr: 3 } as const;

export function frame(stream: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}
