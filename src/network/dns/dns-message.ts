/**
 * The few DNS message operations the embedded server needs (RFC 1035 §4): read the question of
 * a query, and build an answer with A, AAAA or PTR records. Everything else is forwarded as
 * opaque bytes.
 */
export const TYPE = { A: 1, PTR: 12, AAAA: 28 } as const;
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

export interface Question {
  id: number;
  flags: number;
  /** Lower-cased, without the trailing dot. */
  name: string;
  type: number;
  class: number;
  /** Byte offset just after the question section (to copy it into the answer). */
  questionEnd: number;
}

export type Answer = { type: 1; ip: string } | { type: 28; ip: string } | { type: 12; name: string };

/** Parse the header and first question; undefined for anything malformed or not a query. */
export function parseQuestion(msg: Buffer): Question | undefined {
  if (msg.length < 12) return undefined;
  const flags = msg.readUInt16BE(2);
  if (flags & 0x8000) return undefined; // a response, not a query
  if (msg.readUInt16BE(4) < 1) return undefined;
  const labels: string[] = [];
  let off = 12;
  for (let guard = 0; guard < 128; guard++) {
    if (off >= msg.length) return undefined;
    const len = msg[off]!;
    if (len === 0) {
      off++;
      if (off + 4 > msg.length) return undefined;
      return {
        id: msg.readUInt16BE(0),
        flags,
        name: labels.join('.').toLowerCase(),
        type: msg.readUInt16BE(off),
        class: msg.readUInt16BE(off + 2),
        questionEnd: off + 4,
      };
    }
    if (len & 0xc0) return undefined; // compression is not used in a query's first name
    if (off + 1 + len > msg.length) return undefined;
    labels.push(msg.toString('latin1', off + 1, off + 1 + len));
    off += 1 + len;
  }
  return undefined;
}

function encodeName(name: string): Buffer {
  const parts = name.split('.').filter((p) => p !== '');
  const bufs = parts.map((p) => {
    const b = Buffer.from(p, 'latin1');
    return Buffer.concat([Buffer.from([Math.min(b.length, 63)]), b.subarray(0, 63)]);
  });
  return Buffer.concat([...bufs, Buffer.from([0])]);
}

function rdata(a: Answer): Buffer {
  if (a.type === TYPE.A) return Buffer.from(a.ip.split('.').map(Number));
  if (a.type === TYPE.AAAA) {
    const [head = '', tail = ''] = a.ip.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = a.ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
    const b = Buffer.alloc(16);
    groups.forEach((g, i) => b.writeUInt16BE(parseInt(g || '0', 16), i * 2));
    return b;
  }
  return encodeName(a.name);
}

/**
 * An authoritative answer to `q` (the query bytes in `query`): header, the question copied,
 * then the answers, each naming the question through a compression pointer.
 */
export function buildAnswer(query: Buffer, q: Question, rcode: number, answers: Answer[], ttl = 600): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(q.id, 0);
  // QR, the query's opcode and RD, AA and RA set, then the response code.
  header.writeUInt16BE(0x8000 | (q.flags & 0x7800) | 0x0400 | (q.flags & 0x0100) | 0x0080 | (rcode & 0xf), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  const question = query.subarray(12, q.questionEnd);
  const records = answers.map((a) => {
    const data = rdata(a);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // pointer to the name at offset 12
    rr.writeUInt16BE(a.type, 2);
    rr.writeUInt16BE(1, 4); // class IN
    rr.writeUInt32BE(ttl, 6);
    rr.writeUInt16BE(data.length, 10);
    return Buffer.concat([rr, data]);
  });
  return Buffer.concat([header, question, ...records]);
}

/** A bare error answer for a query too broken to parse a question from. */
export function buildError(query: Buffer, rcode: number): Buffer | undefined {
  if (query.length < 12) return undefined;
  const h = Buffer.alloc(12);
  h.writeUInt16BE(query.readUInt16BE(0), 0);
  h.writeUInt16BE(0x8000 | (query.readUInt16BE(2) & 0x7900) | 0x0080 | rcode, 2);
  return h;
}

/** "4.3.2.1.in-addr.arpa" → "1.2.3.4"; undefined for anything else. */
export function ptrToIPv4(name: string): string | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa$/.exec(name);
  return m ? [m[4], m[3], m[2], m[1]].join('.') : undefined;
}

/** Build a query (for tests and the forwarding health path). */
export function buildQuery(id: number, name: string, type: number): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(0x0100, 2);
  h.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(type, 0);
  tail.writeUInt16BE(1, 2);
  return Buffer.concat([h, encodeName(name), tail]);
}

/** Read the answers of a response (tests): A and AAAA as text, PTR as names. */
export function readAnswers(msg: Buffer): { rcode: number; id: number; answers: { type: number; value: string }[] } {
  const q = parseQuestion(Buffer.concat([msg.subarray(0, 2), Buffer.from([msg[2]! & 0x7f, msg[3]!]), msg.subarray(4)]));
  if (!q) throw new Error('unreadable response');
  const count = msg.readUInt16BE(6);
  let off = q.questionEnd;
  const answers: { type: number; value: string }[] = [];
  const readName = (start: number): [string, number] => {
    const labels: string[] = [];
    let o = start;
    let end = -1;
    for (let guard = 0; guard < 128; guard++) {
      const len = msg[o]!;
      if (len === 0) return [labels.join('.'), end >= 0 ? end : o + 1];
      if ((len & 0xc0) === 0xc0) {
        if (end < 0) end = o + 2;
        o = msg.readUInt16BE(o) & 0x3fff;
        continue;
      }
      labels.push(msg.toString('latin1', o + 1, o + 1 + len));
      o += 1 + len;
    }
    throw new Error('name loop');
  };
  for (let i = 0; i < count; i++) {
    off = readName(off)[1];
    const type = msg.readUInt16BE(off);
    const len = msg.readUInt16BE(off + 8);
    const data = msg.subarray(off + 10, off + 10 + len);
    let value: string;
    if (type === TYPE.A) value = [...data].join('.');
    else if (type === TYPE.AAAA) value = Array.from({ length: 8 }, (_, j) => data.readUInt16BE(j * 2).toString(16)).join(':');
    else value = readName(off + 10)[0];
    answers.push({ type, value });
    off += 10 + len;
  }
  return { rcode: msg.readUInt16BE(2) & 0xf, id: msg.readUInt16BE(0), answers };
}
