/**
 * A liveness probe in a process of its own, as an orchestrator's is: GET `url` every `intervalMs` on one keep-alive
 * connection until the parent says `stop`, then send back every latency. In the load generator's process, the probe
 * would also wait for that process's own event loop, busy with 1,000 connections of its own.
 *
 * Run by `fork(probeModule, [url, intervalMs])`; the parent sends 'stop' and receives a ProbeReport.
 */
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export interface ProbeReport {
  /** Latency of each answered probe, ms. */
  ms: number[];
  /** When each was sent, ms after the probe started. */
  sentAt: number[];
  failed: number;
}

export const probeModule = fileURLToPath(import.meta.url);

function get(agent: Agent, url: URL): Promise<{ ms: number; failed: boolean }> {
  const started = performance.now();
  return new Promise((resolve) => {
    request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ms: performance.now() - started, failed: res.statusCode !== 200 }));
    })
      .on('error', () => resolve({ ms: performance.now() - started, failed: true }))
      .end();
  });
}

if (process.send && process.argv[1] === probeModule) {
  const url = new URL(process.argv[2]);
  const intervalMs = Number(process.argv[3]);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const report: ProbeReport = { ms: [], sentAt: [], failed: 0 };
  let stopped = false;
  process.on('message', () => (stopped = true));
  const start = performance.now();
  process.send('started');
  while (!stopped) {
    const sent = performance.now() - start;
    const probe = await get(agent, url);
    if (probe.failed) report.failed++;
    else {
      report.ms.push(probe.ms);
      report.sentAt.push(sent);
    }
    await sleep(intervalMs);
  }
  process.send(report, () => process.exit(0));
}
