import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AuditRecord } from './audit-record.js';
import type { AuditSink } from './audit-sink.js';

/** Appends audit records as JSON lines to one file, kept open from `open()` to `close()`. */
export class FileAuditSink implements AuditSink {
  readonly #path: string;
  #handle: FileHandle | undefined;

  /** `path` is absolute; its folder is created if missing. */
  constructor(path: string) {
    this.#path = path;
  }

  /** Creates the folder and opens the file for appending. */
  async open(): Promise<void> {
    await mkdir(dirname(this.#path), { recursive: true });
    this.#handle = await open(this.#path, 'a');
  }

  async write(records: readonly AuditRecord[]): Promise<boolean> {
    if (this.#handle === undefined) return false;
    await this.#handle.write(records.map((record) => `${JSON.stringify(record)}\n`).join(''));
    return true;
  }

  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close();
  }
}
