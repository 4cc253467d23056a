import type { FailedOperation, RunResult } from '../../src/index.js';

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

/** A record of `operation` on `app` that ended now. */
export function auditRecord(
  app: string,
  operation: FailedOperation,
  outcome: AuditOutcome,
  durationMs: number | null,
  error: AuditRecord['error'],
  details: AuditRecord['details'],
): AuditRecord {
  return { time: new Date().toISOString(), app, operation, outcome, durationMs, error, details };
}

/** A successful migration or seed run, by the registry at `registration` or by hand (`manual`). */
export function runRecord(app: string, operation: 'migrations' | 'seeds', trigger: 'registration' | 'manual', run: RunResult): AuditRecord {
  const details = { trigger, batch: run.batch, applied: run.applied, drifted: run.drifted.map((d) => d.name) };
  return auditRecord(app, operation, 'succeeded', run.durationMs, null, details);
}

/** A JSON-serializable copy of `value`, or null when it cannot be serialized (cycles, BigInt…). */
export function jsonSafe(value: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> | null {
  try {
    return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  } catch {
    return null;
  }
}
