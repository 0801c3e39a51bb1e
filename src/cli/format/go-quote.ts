// Go's strconv quoting (Quote, QuoteToASCII, QuoteRune, CanBackquote) and unicode.IsPrint,
// used by %q, by docker's COMMAND column (strconv.Quote) and by parse error messages.

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrint(r: number): boolean {
  if (r < 0x20 || r === 0x7f) return false;
  if (r < 0x7f) return true;
  return PRINTABLE.test(String.fromCodePoint(r));
}

/** utf8.RuneCountInString for a JavaScript string: code points, lone surrogates count once. */
export function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function escapeRune(r: number, q: string, asciiOnly: boolean): string {
  const c = String.fromCodePoint(r);
  if (c === q || c === '\\') return '\\' + c;
  if (asciiOnly ? r < 0x80 && isPrint(r) : isPrint(r)) return c;
  switch (c) {
    case '\x07': return '\\a';
    case '\b': return '\\b';
    case '\f': return '\\f';
    case '\n': return '\\n';
    case '\r': return '\\r';
    case '\t': return '\\t';
    case '\v': return '\\v';
  }
  if (r < 0x20 || r === 0x7f) return '\\x' + hex(r, 2);
  if (r >= 0xd800 && r <= 0xdfff) return '\\ufffd'; // a lone surrogate is invalid UTF-8 for Go
  if (r < 0x10000) return '\\u' + hex(r, 4);
  return '\\U' + hex(r, 8);
}

/** strconv.Quote (or QuoteToASCII when asciiOnly). */
export function quote(s: string, asciiOnly = false): string {
  let out = '"';
  for (const ch of s) out += escapeRune(ch.codePointAt(0)!, '"', asciiOnly);
  return out + '"';
}

/** strconv.QuoteRune (or QuoteRuneToASCII). */
export function quoteRune(r: number, asciiOnly = false): string {
  return "'" + escapeRune(r, "'", asciiOnly) + "'";
}

/** strconv.CanBackquote: one line, no control characters but tab, no backquote, no BOM. */
export function canBackquote(s: string): boolean {
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (r === 0xfeff || (r >= 0xd800 && r <= 0xdfff)) return false;
    if ((r < 0x20 && r !== 0x09) || r === 0x60 || r === 0x7f) return false;
  }
  return true;
}

/** fmt's "%#U" style name of a rune, as in the lexer's "bad character U+007D '}'". */
export function runeName(r: number): string {
  const u = 'U+' + r.toString(16).toUpperCase().padStart(4, '0');
  return isPrint(r) ? `${u} '${String.fromCodePoint(r)}'` : u;
}
