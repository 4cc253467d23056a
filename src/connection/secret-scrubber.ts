import { KnexusError } from '../errors.js';

const MASK = '***';

/** Replaces known secrets (passwords, connection strings) in text and errors with `***`. */
export class SecretScrubber {
  readonly #secrets: string[];

  constructor(secrets: readonly string[]) {
    // Longest first, so a connection string is masked whole before the password inside it.
    this.#secrets = [...secrets].sort((a, b) => b.length - a.length);
  }

  /** The text with every secret masked. */
  scrub(text: string): string {
    let out = text;
    for (const secret of this.#secrets) if (out.includes(secret)) out = out.split(secret).join(MASK);
    return out;
  }

  /**
   * The error unchanged if it holds no secret; otherwise a copy (same class name, code and
   * properties) whose message, stack and nested causes are masked.
   */
  scrubError<E>(error: E): E {
    if (this.#secrets.length === 0 || !(error instanceof Error)) return error;
    const cause = (error as { cause?: unknown }).cause;
    const cleanCause = cause === undefined ? undefined : this.scrubError(cause);
    const dirty = this.scrub(error.message) !== error.message || this.scrub(error.stack ?? '') !== (error.stack ?? '');
    if (!dirty && cleanCause === cause) return error;
    const copy =
      error instanceof KnexusError
        ? new KnexusError(error.code, this.scrub(error.message), {}, cleanCause)
        : new Error(this.scrub(error.message), cleanCause === undefined ? undefined : { cause: cleanCause });
    for (const key of Object.keys(error)) {
      const value = (error as unknown as Record<string, unknown>)[key];
      Object.defineProperty(copy, key, {
        value: typeof value === 'string' ? this.scrub(value) : value,
        enumerable: true,
        configurable: true,
      });
    }
    Object.defineProperty(copy, 'name', { value: error.name, configurable: true, writable: true });
    copy.stack = this.scrub(error.stack ?? '');
    return copy as E;
  }
}
