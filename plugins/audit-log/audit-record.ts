import type { FailedOperation } from '../../src/index.js';

/** How an audited operation ended. */
export const AUDIT_OUTCOMES = ['succeeded', 'failed'] as const;
/** An audited outcome. */
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** One line of the audit log: what happened to which app, how it ended and how long it took. Never holds a secret. */
export interface AuditRecord {
  /** When the outcome was known, ISO 8601. */
  readonly time: string;
  readonly app: string;
  /** The registry's operation names (`registration`, `migrations`, `seeds`, `rollback`, `unregistration`, …). */
  readonly operation: FailedOperation;
  readonly outcome: AuditOutcome;
  /** Milliseconds the operation took, or null when unknown. */
  readonly durationMs: number | null;
  /** The failure (code and scrubbed message), or null. */
  readonly error: { readonly code: string | null; readonly message: string } | null;
  /** Operation-specific facts (batch, files applied, secret-free target…), or null. */
  readonly details: Readonly<Record<string, unknown>> | null;
}
