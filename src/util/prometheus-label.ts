/** A value escaped for a Prometheus text-format label (`app="…"`): backslash, double quote and newline. */
export function prometheusLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
