import { setFlagsFromString } from 'node:v8';

const HEAP_GROWING_PERCENT = 20;
const GIVEN_BY_OPERATOR = /^--heap[-_]growing[-_]percent=/;

/**
 * Under steady load, objects of the heavier requests (search pages, asks) outlive scavenges and are promoted
 * although they die young, ~1.1 MB/s in the soak; V8's default heap growth leaves that garbage for minutes: +25%
 * RSS in a 60 s soak. Collecting once the old generation has grown 20% past what the last full collection kept
 * holds RSS within +10% for ~10% on p99; `--optimize-for-size` held it too but cost 60% on p99
 * (docs/benchmarks.md, Load and soak). An operator who sets `--heap-growing-percent` (node option or
 * NODE_OPTIONS) decides instead.
 */
export function limitHeapGrowth(): void {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  if (!given.some((flag) => GIVEN_BY_OPERATOR.test(flag))) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
