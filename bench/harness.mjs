/**
 * What every benchmark shares: the `--quick` switch, interleaved rounds after a warm-up, medians,
 * and one machine-readable result per scenario (a `::bench::` line on stdout that bench/run.mjs
 * collects into bench/results/latest.json).
 */
export const QUICK = process.argv.includes('--quick');

/** The median of some samples. */
export function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Runs each variant `warmup` times, then `rounds` rounds in which every variant runs once, in turn,
 * so that load from other processes hits them alike. Each `run()` resolves with its own measure.
 */
export async function alternate(variants, { rounds = QUICK ? 1 : 5, warmup = QUICK ? 0 : 1 } = {}) {
  for (let i = 0; i < warmup; i++) for (const variant of variants) await variant.run();
  const samples = Object.fromEntries(variants.map((v) => [v.name, []]));
  for (let r = 0; r < rounds; r++) for (const variant of variants) samples[variant.name].push(await variant.run());
  return samples;
}

/** Milliseconds `fn` takes. */
export async function time(fn) {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** Throws unless `condition`: a scenario checks its own result before a time counts. */
export function check(condition, message) {
  if (!condition) throw new Error(`benchmark self-check failed: ${message}`);
}

/**
 * One measured figure: the median of `samples` against the median of `baseline`'s samples (when
 * there is one), as a ratio that must stay at or below `target` (when there is one).
 */
export function metric(name, unit, samples, options = {}) {
  const value = median(samples);
  const out = { name, unit, value, samples };
  if (options.baseline !== undefined) {
    out.baseline = { name: options.baseline.name, value: median(options.baseline.samples), samples: options.baseline.samples };
    out.ratio = value / out.baseline.value;
  }
  if (options.target !== undefined) {
    out.target = options.target;
    out.met = (out.ratio ?? value) <= options.target;
  }
  return out;
}

/** Prints the scenario's table and hands its result to bench/run.mjs. */
export function report(scenario, metrics, notes = []) {
  console.log(`\n### ${scenario}${QUICK ? ' (quick)' : ''}`);
  for (const m of metrics) {
    const figure = `${format(m.value)} ${m.unit}`;
    const against = m.baseline ? ` | ${m.baseline.name}: ${format(m.baseline.value)} ${m.unit} | ${m.ratio.toFixed(2)}×` : '';
    const goal = m.target === undefined ? '' : ` | target ≤ ${m.target}${m.baseline ? '×' : ` ${m.unit}`}: ${m.met ? 'met' : 'NOT met'}`;
    console.log(`- ${m.name}: ${figure}${against}${goal}`);
  }
  for (const note of notes) console.log(`  ${note}`);
  console.log(`::bench::${JSON.stringify({ scenario, quick: QUICK, metrics, notes })}`);
}

function format(value) {
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toFixed(3);
}
