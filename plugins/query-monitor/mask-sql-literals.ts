/** How the database reads quotes, which decides where a literal ends. */
export interface SqlQuoting {
  /** MySQL: a backslash escapes the next character, and `"…"` is a string, not a name. */
  readonly mysql: boolean;
}

const IDENTIFIER_CHAR = /[\p{L}\p{N}_$]/u;
const DOLLAR_TAG = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/;
const NUMBER = /^(?:0[xX][0-9A-Fa-f]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/;

/**
 * `sql` with every string and numeric literal replaced by `?`, so a statement such as
 * `ALTER ROLE app PASSWORD 'hunter2'` can be shown without its values. Names (`"quoted"`, `` `quoted` ``,
 * `[quoted]`), comments and placeholders (`?`, `$1`, `:name`) stay. When unsure where a literal ends
 * (an unterminated quote) everything after its start is masked: showing too little is safe, too much is not.
 */
export function maskSqlLiterals(sql: string, quoting: SqlQuoting): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    if (ch === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (ch === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop;
    } else if (ch === "'" || (ch === '"' && quoting.mysql)) {
      // E'…' (PostgreSQL) reads backslash escapes; the letter before the quote was already copied.
      const escapes = quoting.mysql || (/[eE]/.test(sql[i - 1] ?? '') && !IDENTIFIER_CHAR.test(sql[i - 2] ?? ''));
      i = quotedEnd(sql, i, ch, escapes);
      out += '?';
    } else if (ch === '"' || ch === '`' || ch === '[') {
      const close = ch === '[' ? ']' : ch;
      const end = quotedEnd(sql, i, close, false, ch);
      out += sql.slice(i, end);
      i = end;
    } else if (ch === '$' && !IDENTIFIER_CHAR.test(sql[i - 1] ?? '') && DOLLAR_TAG.test(sql.slice(i, i + 64))) {
      const tag = DOLLAR_TAG.exec(sql.slice(i, i + 64))![0];
      const end = sql.indexOf(tag, i + tag.length);
      i = end === -1 ? sql.length : end + tag.length;
      out += '?';
    } else if ((/\d/.test(ch) || (ch === '.' && /\d/.test(next ?? ''))) && !IDENTIFIER_CHAR.test(sql[i - 1] ?? '') && sql[i - 1] !== '$') {
      const number = NUMBER.exec(sql.slice(i))![0];
      i += number.length;
      out += '?';
    } else if (IDENTIFIER_CHAR.test(ch)) {
      // A whole word at once, so digits inside names (`t1`, `$1`) are never taken for numbers.
      let end = i + 1;
      while (end < sql.length && IDENTIFIER_CHAR.test(sql[end]!)) end++;
      out += sql.slice(i, end);
      i = end;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/** Index just past the quote closing the one at `start` (a doubled quote is an escaped one), or the end of `sql`. */
function quotedEnd(sql: string, start: number, close: string, backslashEscapes: boolean, open = close): number {
  for (let i = start + open.length; i < sql.length; i++) {
    const ch = sql[i];
    if (backslashEscapes && ch === '\\') {
      i++;
    } else if (ch === close) {
      if (sql[i + 1] === close && open === close) i++;
      else return i + 1;
    }
  }
  return sql.length;
}
