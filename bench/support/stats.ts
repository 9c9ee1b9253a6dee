/** Small statistics and machine-state helpers shared by the benchmarks. */
import { cpus, loadavg } from 'node:os';

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: p99 of 1000 samples is the 990th, an observed value rather than an interpolation.
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export const median = (values: readonly number[]) => quantile(values, 0.5);

export const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** Other processes share this machine; every report says how loaded it was while measuring. */
export function loadReport(): string {
  const [one, five] = loadavg();
  return `load average ${one.toFixed(2)} (1 min), ${five.toFixed(2)} (5 min) on ${cpus().length} cores`;
}

export const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;

export const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`;
