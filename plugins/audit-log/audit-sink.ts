import type { AuditRecord } from './audit-record.js';

/** Where audit records go: a table or a file. */
export interface AuditSink {
  /** Writes the records in order; false when the destination is not reachable yet (the caller keeps them). */
  write(records: readonly AuditRecord[]): Promise<boolean>;
  /** Releases what the sink opened. */
  close(): Promise<void>;
}
