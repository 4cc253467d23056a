import type { Ora } from 'ora';

/** Where a long-running step reports: a spinner on a terminal, plain lines otherwise, nothing when quiet. */
export interface TaskProgress {
  /** A step begins, e.g. `blog: connecting`. */
  start(text: string): void;
  /** The running step moved on, e.g. `blog: migrating`. */
  update(text: string): void;
  succeed(text: string): void;
  fail(text: string): void;
  /** Something worth a line that is neither success nor failure (a warning, a skipped app). */
  warn(text: string): void;
}

/** Plain lines for logs and pipes: the outcome of each step (successes only when not transient), its start and updates only when verbose. */
export class LineProgress implements TaskProgress {
  readonly #write: (line: string) => void;
  readonly #verbose: boolean;
  readonly #transient: boolean;

  constructor(write: (line: string) => void, verbose: boolean, transient: boolean) {
    this.#write = write;
    this.#verbose = verbose;
    this.#transient = transient;
  }

  start(text: string): void {
    if (this.#verbose) this.#write(`… ${text}`);
  }

  update(text: string): void {
    if (this.#verbose) this.#write(`… ${text}`);
  }

  succeed(text: string): void {
    if (!this.#transient || this.#verbose) this.#write(`ok ${text}`);
  }

  fail(text: string): void {
    this.#write(`failed ${text}`);
  }

  warn(text: string): void {
    this.#write(`warning ${text}`);
  }
}

/** Reports nothing (`--quiet`, `--json`). */
export class SilentProgress implements TaskProgress {
  start(): void {}
  update(): void {}
  succeed(): void {}
  fail(): void {}
  warn(): void {}
}

/** An ora spinner on a terminal; each step ends as a ✔/✖ line that stays on screen (successes vanish when transient). */
export class SpinnerProgress implements TaskProgress {
  readonly #spinner: Ora;
  readonly #scrub: (text: string) => string;
  readonly #transient: boolean;

  constructor(spinner: Ora, scrub: (text: string) => string, transient: boolean) {
    this.#spinner = spinner;
    this.#scrub = scrub;
    this.#transient = transient;
  }

  /** A spinner on `stream`; ora is imported only here, so pipes and tests never load it. */
  static async create(stream: NodeJS.WriteStream, scrub: (text: string) => string, transient: boolean): Promise<SpinnerProgress> {
    const { default: ora } = await import('ora');
    // discardStdin off: ora would otherwise swallow the Ctrl-C that `knexus up` waits for.
    return new SpinnerProgress(ora({ stream, discardStdin: false }), scrub, transient);
  }

  start(text: string): void {
    this.#spinner.start(this.#scrub(text));
  }

  update(text: string): void {
    this.#spinner.text = this.#scrub(text);
  }

  succeed(text: string): void {
    if (this.#transient) this.#spinner.stop();
    else this.#spinner.succeed(this.#scrub(text));
  }

  fail(text: string): void {
    this.#spinner.fail(this.#scrub(text));
  }

  warn(text: string): void {
    this.#spinner.warn(this.#scrub(text));
  }
}
