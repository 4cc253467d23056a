/**
 * A strict parser of the Prometheus text exposition format (0.0.4), for tests: it throws on anything a
 * scraper may reject, so a test that parses `/metrics` fails on malformed text rather than passing a
 * `toContain`. Checked: metric and label names, label value escapes, duplicate label names, numeric
 * values, at most one HELP and one TYPE per family and both before its first sample, sample names that
 * belong to their family's type (`_sum`/`_count`/`_bucket`), every family's samples contiguous (the
 * format forbids interleaving two families), no duplicate series, and a final newline.
 */

/** One sample: `name{labels} value`. */
export interface PrometheusSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** One metric family: its HELP, TYPE and samples, in the order they appeared. */
export interface PrometheusFamily {
  readonly name: string;
  help: string | undefined;
  type: string;
  readonly samples: PrometheusSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'summary', 'histogram', 'untyped']);
const SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  summary: ['', '_sum', '_count'],
  histogram: ['_bucket', '_sum', '_count'],
};

function fail(lineNo: number, line: string, why: string): never {
  throw new Error(`Prometheus text, line ${lineNo}: ${why}\n  ${line}`);
}

function parseValue(text: string, lineNo: number, line: string): number {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) fail(lineNo, line, `"${text}" is not a number`);
  return Number(text);
}

/** Reads `{a="x",b="y"}` starting at `start` (the `{`); returns the labels and the index after `}`. */
function parseLabels(line: string, start: number, lineNo: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  let i = start + 1;
  while (line[i] !== '}') {
    const eq = line.indexOf('=', i);
    if (eq < 0) fail(lineNo, line, 'label without "="');
    const name = line.slice(i, eq);
    if (!LABEL_NAME.test(name)) fail(lineNo, line, `invalid label name "${name}"`);
    if (name in labels) fail(lineNo, line, `label "${name}" given twice`);
    if (line[eq + 1] !== '"') fail(lineNo, line, `label "${name}" value is not quoted`);
    let value = '';
    let j = eq + 2;
    for (;;) {
      const c = line[j];
      if (c === undefined) fail(lineNo, line, `label "${name}" value is not closed`);
      if (c === '"') break;
      if (c === '\\') {
        const next = line[j + 1];
        if (next === '\\') value += '\\';
        else if (next === '"') value += '"';
        else if (next === 'n') value += '\n';
        else fail(lineNo, line, `invalid escape "\\${next ?? ''}" in label "${name}"`);
        j += 2;
        continue;
      }
      value += c;
      j++;
    }
    labels[name] = value;
    i = j + 1;
    if (line[i] === ',') i++;
    else if (line[i] !== '}') fail(lineNo, line, 'expected "," or "}" after a label');
  }
  return [labels, i + 1];
}

function familyOf(sampleName: string, families: ReadonlyMap<string, PrometheusFamily>): PrometheusFamily | undefined {
  for (const suffix of ['_sum', '_count', '_bucket', '']) {
    if (!sampleName.endsWith(suffix)) continue;
    const family = families.get(sampleName.slice(0, sampleName.length - suffix.length));
    if (family && (SUFFIXES[family.type] ?? ['']).includes(suffix)) return family;
  }
  return undefined;
}

/** Parses `text`, throwing an Error naming the line on the first violation; returns the families in order. */
export function parsePrometheusText(text: string): PrometheusFamily[] {
  if (text !== '' && !text.endsWith('\n')) throw new Error('Prometheus text must end with a newline');
  const families = new Map<string, PrometheusFamily>();
  const closed = new Set<string>();
  const series = new Set<string>();
  let current: PrometheusFamily | undefined;
  const enter = (family: PrometheusFamily, lineNo: number, line: string): void => {
    if (current === family) return;
    if (closed.has(family.name)) fail(lineNo, line, `samples of "${family.name}" are interleaved with another family`);
    if (current) closed.add(current.name);
    current = family;
  };
  const lines = text.split('\n').slice(0, -1);
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const match = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (!match) return; // a plain comment
      const [, keyword, name, rest = ''] = match as unknown as [string, 'HELP' | 'TYPE', string, string | undefined];
      if (!METRIC_NAME.test(name)) fail(lineNo, line, `invalid metric name "${name}"`);
      let family = families.get(name);
      if (!family) {
        family = { name, help: undefined, type: 'untyped', samples: [] };
        families.set(name, family);
      }
      enter(family, lineNo, line);
      if (keyword === 'HELP') {
        if (family.help !== undefined) fail(lineNo, line, `second HELP for "${name}"`);
        family.help = rest;
      } else {
        if (!TYPES.has(rest)) fail(lineNo, line, `unknown type "${rest}"`);
        if (family.samples.length > 0) fail(lineNo, line, `TYPE of "${name}" after its samples`);
        if ((family as { typed?: boolean }).typed) fail(lineNo, line, `second TYPE for "${name}"`);
        (family as { typed?: boolean }).typed = true;
        family.type = rest;
      }
      return;
    }
    const nameEnd = line.search(/[{ ]/);
    if (nameEnd <= 0) fail(lineNo, line, 'a sample needs a name and a value');
    const name = line.slice(0, nameEnd);
    if (!METRIC_NAME.test(name)) fail(lineNo, line, `invalid metric name "${name}"`);
    let labels: Record<string, string> = {};
    let rest = nameEnd;
    if (line[nameEnd] === '{') [labels, rest] = parseLabels(line, nameEnd, lineNo);
    const fields = line.slice(rest).trim().split(' ');
    if (line[rest] !== ' ' || fields.length < 1 || fields.length > 2) fail(lineNo, line, 'expected " value [timestamp]"');
    const value = parseValue(fields[0]!, lineNo, line);
    if (fields[1] !== undefined && !/^-?\d+$/.test(fields[1])) fail(lineNo, line, `invalid timestamp "${fields[1]}"`);
    let family = familyOf(name, families);
    if (!family) {
      if (families.has(name)) fail(lineNo, line, `"${name}" does not fit its family's type`);
      family = { name, help: undefined, type: 'untyped', samples: [] };
      families.set(name, family);
    }
    enter(family, lineNo, line);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)))}`;
    if (series.has(key)) fail(lineNo, line, 'the same series twice');
    series.add(key);
    family.samples.push({ name, labels, value });
  });
  return [...families.values()];
}

/** The families of `text` by name (parsed strictly, see `parsePrometheusText`). */
export function prometheusFamilies(text: string): Map<string, PrometheusFamily> {
  return new Map(parsePrometheusText(text).map((family) => [family.name, family]));
}

/** The value of the sample `name` whose labels are exactly `labels`, or undefined. */
export function sampleValue(
  families: ReadonlyMap<string, PrometheusFamily>,
  name: string,
  labels: Readonly<Record<string, string>>,
): number | undefined {
  const family = familyOf(name, families);
  const want = JSON.stringify(Object.entries(labels).sort());
  return family?.samples.find((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === want)?.value;
}
