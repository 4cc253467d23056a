import { createInterface } from 'node:readline';
import { styleText } from 'node:util';
import { SecretScrubber } from '../connection/secret-scrubber.js';
import { errorJson, formatError } from './format-error.js';
import { LineProgress, SilentProgress, SpinnerProgress, type TaskProgress } from './task-progress.js';

/** The streams and switches output depends on. */
export interface CliOutputOptions {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  /** The command running, so hints never advise running it. */
  readonly command?: string | undefined;
  /** Environment, read for NO_COLOR / FORCE_COLOR / CI; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

type Style = Parameters<typeof styleText>[0];

/**
 * Everything the CLI prints goes through here, so that secrets are masked in one place and `--json`,
 * `--quiet` and `--verbose` mean the same for every command. Results and progress go to stdout (a
 * spinner on a terminal, plain lines otherwise), errors and warnings to stderr; under `--json` stdout
 * carries only the document, so `knexus status --json > status.json` captures just that.
 */
export class CliOutput {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly #command: string | undefined;
  readonly #stdout: NodeJS.WriteStream;
  readonly #stderr: NodeJS.WriteStream;
  readonly #color: boolean;
  readonly #interactive: boolean;
  #scrubber = new SecretScrubber([]);
  #secrets: string[] = [];

  constructor(options: CliOutputOptions) {
    this.json = options.json;
    this.quiet = options.quiet;
    this.verbose = options.verbose;
    this.#command = options.command;
    this.#stdout = options.stdout;
    this.#stderr = options.stderr;
    const env = options.env ?? process.env;
    this.#color =
      env['FORCE_COLOR'] !== undefined ? env['FORCE_COLOR'] !== '0' : env['NO_COLOR'] === undefined && this.#stdout.isTTY === true;
    // A pseudo-terminal without a size (columns 0) would make the spinner clear an endless number of lines.
    this.#interactive = this.#stdout.isTTY === true && (this.#stdout.columns ?? 0) > 0 && env['CI'] === undefined && env['TERM'] !== 'dumb';
  }

  /** Masks these strings (passwords, connection strings) in everything printed from now on. */
  addSecrets(secrets: readonly string[]): void {
    this.#secrets = [...new Set([...this.#secrets, ...secrets])];
    this.#scrubber = new SecretScrubber(this.#secrets);
  }

  /** The text with every known secret masked. */
  scrub(text: string): string {
    return this.#scrubber.scrub(text);
  }

  /** Text styled for a colour terminal, unchanged otherwise. */
  style(format: Style, text: string): string {
    return this.#color ? styleText(format, text) : text;
  }

  /** A line of the command's human-readable result (stdout); nothing under `--json`. */
  print(text = ''): void {
    if (this.json) return;
    this.#stdout.write(`${this.scrub(text)}\n`);
  }

  /** Like `print`, but also silenced by `--quiet`. */
  info(text = ''): void {
    if (!this.quiet) this.print(text);
  }

  /** A diagnostic line on stderr, shown only with `--verbose`. */
  debug(text: string): void {
    if (this.verbose) this.#stderr.write(`${this.scrub(text)}\n`);
  }

  /** A warning on stderr; shown even with `--quiet` and `--json` (stdout stays a clean document). */
  warn(text: string): void {
    this.#stderr.write(`${this.style('yellow', 'warning')} ${this.scrub(text)}\n`);
  }

  /** The command's one JSON document (stdout), with secrets masked in every string. */
  document(value: unknown): void {
    if (!this.json) return;
    const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? this.scrub(v) : v), 2);
    this.#stdout.write(`${text}\n`);
  }

  /** Error lines (code, message, where, hint; stack when verbose) on stderr; nothing under `--json`, whose document carries errors. */
  error(error: unknown): void {
    if (this.json) return;
    const [head, ...rest] = formatError(error, this.verbose, this.#command);
    this.#stderr.write(`${this.scrub([this.style('red', head ?? ''), ...rest].join('\n'))}\n`);
  }

  /** Asks a yes/no question on stderr and reads the answer from `stdin`; only `y` or `yes` is a yes. */
  async confirm(question: string, stdin: NodeJS.ReadableStream): Promise<boolean> {
    const rl = createInterface({ input: stdin, output: this.#stderr, terminal: false });
    try {
      this.#stderr.write(this.scrub(question));
      const answer = await new Promise<string>((resolve) => {
        rl.once('line', resolve);
        rl.once('close', () => resolve(''));
      });
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  }

  /** Reports a command that failed as a whole: error lines, or the `{ ok: false, error }` document under `--json`. */
  failure(command: string, error: unknown, extra: Record<string, unknown> = {}): void {
    if (this.json) this.document({ ok: false, command, ...extra, error: errorJson(error, this.verbose, this.#command) });
    else this.error(error);
  }

  /**
   * Progress for long work: a spinner on a terminal, plain lines otherwise, nothing when quiet or JSON.
   * `transient` progress (read-only commands) shows failures but lets successes vanish, unless verbose.
   */
  async progress(options: { transient?: boolean } = {}): Promise<TaskProgress> {
    const transient = options.transient ?? false;
    if (this.json || this.quiet) return new SilentProgress();
    if (this.#interactive) return SpinnerProgress.create(this.#stdout, (text) => this.scrub(text), transient);
    return new LineProgress((line) => this.#stdout.write(`${this.scrub(line)}\n`), this.verbose, transient);
  }
}
