/** `?, ?, …`: `count` binding placeholders for an `in (…)` list. */
export const placeholders = (count: number): string => Array.from({ length: count }, () => '?').join(', ');
