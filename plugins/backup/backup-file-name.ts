/** Extensions of backup files: SQLite copies, pg_dump custom archives, plain SQL dumps. */
export const BACKUP_EXTENSIONS = ['sqlite', 'dump', 'sql'] as const;
/** A backup file extension. */
export type BackupExtension = (typeof BACKUP_EXTENSIONS)[number];

/**
 * `<app>-<UTC time to the ms>-<sequence>-<reason>.<ext>`: names of one app sort oldest first,
 * and two backups in the same millisecond still differ.
 */
export function backupFileName(app: string, reason: string, extension: BackupExtension, at: Date, sequence: number): string {
  const stamp = at.toISOString().replace(/[-:.]/g, '');
  return `${app}-${stamp}-${String(sequence % 10_000).padStart(4, '0')}-${reason}.${extension}`;
}

/** True when `fileName` is a finished backup of `app` made by this plugin (never a partial one or a stranger's file). */
export function isBackupOf(app: string, fileName: string): boolean {
  if (!fileName.startsWith(`${app}-`)) return false;
  return /^\d{8}T\d{9}Z-\d{4}-[a-z-]+\.(sqlite|dump|sql)$/.test(fileName.slice(app.length + 1));
}
