import { setImmediate as nextTurn } from 'node:timers/promises';

export interface AdmissionOptions {
  /** Asks that run at once. */
  concurrency: number;
  /** Asks that may wait for a turn; one more is refused at once. */
  queueSize: number;
  /** Longest wait for a turn; an ask still waiting then is refused. */
  maxWaitMs: number;
}

export const DEFAULT_ADMISSION: AdmissionOptions = { concurrency: 2, queueSize: 64, maxWaitMs: 10_000 };

/** Refused for lack of room: the queue was full, or the wait expired. `retryAfterMs` estimates when there will be room. */
export class Overloaded extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
    this.name = 'Overloaded';
  }
}

/** A client over its limit of uncached asks; `retryAfterMs` until it may ask again. */
export class ClientLimited extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
    this.name = 'ClientLimited';
  }
}

interface Waiter {
  start(): void;
  timer: NodeJS.Timeout;
}

/** Weight of the newest run in the moving average of run times. */
const SMOOTHING = 0.2;

/**
 * A bounded queue in front of model work. Without it, 1,000 concurrent asks each ran their retrieval, tokenizing,
 * assembly and span selection interleaved on the event loop, so `/healthz` waited seconds behind them
 * (docs/benchmarks.md, Overload). Each admitted ask starts in a turn of the event loop of its own (setImmediate),
 * so between two asks' synchronous stretches the loop reads sockets: health checks, and new asks to queue or refuse.
 * Hand-written: p-limit and p-queue (a queue with a size, a wait and a handover per turn) bound concurrency only.
 */
export class AdmissionQueue {
  private running = 0;
  private readonly waiting: Waiter[] = [];
  private averageRunMs = 50;

  constructor(readonly options: AdmissionOptions) {}

  get queued(): number {
    return this.waiting.length;
  }

  /** A newcomer would be refused now. */
  get full(): boolean {
    return this.waiting.length >= this.options.queueSize;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.turn();
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.averageRunMs += SMOOTHING * (performance.now() - started - this.averageRunMs);
      this.running--;
      this.handOver();
    }
  }

  /** Time for the queue ahead of a newcomer to drain, at the recent pace. */
  private retryAfterMs(): number {
    return ((this.waiting.length + 1) * this.averageRunMs) / this.options.concurrency;
  }

  private async turn(): Promise<void> {
    if (this.running < this.options.concurrency && this.waiting.length === 0) {
      this.running++;
      await nextTurn();
      return;
    }
    if (this.full) {
      throw new Overloaded(`the server is busy: ${this.waiting.length} asks are already waiting for the model`, this.retryAfterMs());
    }
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        start: resolve,
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          reject(new Overloaded(`the server is busy: no turn for the model within ${this.options.maxWaitMs} ms`, this.retryAfterMs()));
        }, this.options.maxWaitMs),
      };
      this.waiting.push(waiter);
    });
  }

  /** The next waiter starts on a later turn of the event loop, not in this one's microtasks. */
  private handOver(): void {
    const next = this.waiting.shift();
    if (!next) return;
    clearTimeout(next.timer);
    this.running++;
    setImmediate(() => next.start());
  }
}
