import type { ClientName } from '../../src/index.js';

/** What one backup attempt came to; also the payload of the `backup:created`, `backup:failed` and `backup:skipped` events. */
export type BackupOutcome =
  | {
      readonly status: 'created';
      readonly appName: string;
      /** `before-rollback`, `failed-<operation>` or `manual`. */
      readonly reason: string;
      readonly file: string;
      readonly bytes: number;
      readonly durationMs: number;
      /** Older backups deleted to keep `keep` of them. */
      readonly deleted: readonly string[];
    }
  | { readonly status: 'failed'; readonly appName: string; readonly reason: string; readonly error: string; readonly durationMs: number }
  | { readonly status: 'skipped'; readonly appName: string; readonly reason: string; readonly client: ClientName; readonly why: string };

/** The registry event each outcome emits. */
export const BACKUP_EVENTS = {
  created: 'backup:created',
  failed: 'backup:failed',
  skipped: 'backup:skipped',
} as const satisfies Record<BackupOutcome['status'], string>;
