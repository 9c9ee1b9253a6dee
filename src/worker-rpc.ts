import { parentPort, Worker, workerData, type TransferListItem } from 'node:worker_threads';

/** An error as it crosses a thread: structured clone keeps an Error's message but drops properties such as `code`. */
export interface ThreadError {
  name: string;
  message: string;
  code?: string;
}

/** ThreadError names of a thread that is gone: closed by its client, or ended by a crash. */
export const THREAD_CLOSED = 'ThreadClosed';
export const THREAD_EXITED = 'ThreadExited';

type FromWorker =
  | { type: 'ready'; value: unknown }
  | { type: 'failed'; error: ThreadError }
  | { type: 'reply'; id: number; value: unknown }
  | { type: 'error'; id: number; error: ThreadError };

interface ToWorker {
  id: number;
  method: string;
  args: unknown[];
}

export interface WorkerClientOptions {
  /** The error a call gets when the thread failed, from the failure it reports (or the thread's own crash). */
  failure: (error: ThreadError) => Error;
  name: string;
}

/**
 * Calls into a worker thread that serves requests one at a time, in the order sent. The thread keeps the process
 * alive only while a call is pending, so an idle store or preparer never holds the process open.
 */
export class WorkerClient {
  private readonly pending = new Map<number, { resolve: (value: any) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  /** Why calls fail from now on: the thread was closed, or died. */
  private gone: Error | null = null;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    private readonly options: WorkerClientOptions,
  ) {
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
  }

  /** Starts the thread and waits for it to report ready (its value) or failed (thrown). */
  static start<T>(url: URL, data: unknown, options: WorkerClientOptions): Promise<{ client: WorkerClient; ready: T }> {
    const worker = new Worker(url, { workerData: data, name: options.name });
    const client = new WorkerClient(worker, options);
    return new Promise((resolve, reject) => {
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          worker.unref();
          resolve({ client, ready: message.value as T });
        } else if (message.type === 'failed') {
          reject(options.failure(message.error));
          void worker.terminate();
        } else client.settle(message);
      });
      const die = (error: ThreadError) => {
        client.gone ??= options.failure(error);
        for (const { reject: fail } of client.pending.values()) fail(client.gone);
        client.pending.clear();
        reject(client.gone);
      };
      worker.on('error', (error) => die({ name: THREAD_EXITED, message: `the ${options.name} thread failed: ${error.message}` }));
      worker.on('exit', (code) => die({ name: THREAD_EXITED, message: `the ${options.name} thread exited (code ${code})` }));
    });
  }

  call<T>(method: string, args: unknown[] = [], transfer: readonly TransferListItem[] = []): Promise<T> {
    if (this.gone) return Promise.reject(this.gone);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, method, args } satisfies ToWorker, transfer);
    });
  }

  /** Lets the calls already sent finish, runs the thread's close handler, then ends the thread. */
  async close(): Promise<void> {
    if (!this.gone) {
      const closing = this.call('close').catch(() => undefined);
      this.gone = this.options.failure({ name: THREAD_CLOSED, message: `the ${this.options.name} thread is closed` });
      await closing;
    }
    await this.worker.terminate();
    await this.exited;
  }

  private settle(message: Extract<FromWorker, { id: number }>): void {
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.worker.unref();
    if (message.type === 'reply') waiting.resolve(message.value);
    else waiting.reject(this.options.failure(message.error));
  }
}

export type Handlers = Record<string, (...args: any[]) => unknown>;

/** What a worker serves: its handlers, and what it reports once ready. */
export interface WorkerService {
  handlers: Handlers;
  ready?: unknown;
  /** Runs on `close`, before the thread ends. */
  close?: () => void;
}

/** A handler's value sent with a transfer list (typed arrays move to the caller instead of being copied). */
export class Transfer<T> {
  constructor(
    readonly value: T,
    readonly list: TransferListItem[],
  ) {}
}

/**
 * The worker side: runs `setup` (a throw is reported as failed), then answers each call with the handler of its
 * name, one call at a time in the order sent: a handler that awaits still finishes before the next starts.
 */
export async function serveWorkerRequests<T>(setup: (data: T) => Promise<WorkerService> | WorkerService): Promise<void> {
  const port = parentPort!;
  let service: WorkerService;
  try {
    service = await setup(workerData as T);
  } catch (error) {
    port.postMessage({ type: 'failed', error: threadError(error) } satisfies FromWorker);
    return;
  }
  port.postMessage({ type: 'ready', value: service.ready ?? null } satisfies FromWorker);
  const handlers: Handlers = { ...service.handlers, close: () => service.close?.() };
  let queue = Promise.resolve();
  port.on('message', ({ id, method, args }: ToWorker) => {
    queue = queue.then(async () => {
      try {
        const handler = handlers[method];
        if (!handler) throw new Error(`no method ${method}`);
        const value = await handler(...args);
        if (value instanceof Transfer) port.postMessage({ type: 'reply', id, value: value.value } satisfies FromWorker, value.list);
        else port.postMessage({ type: 'reply', id, value: value ?? null } satisfies FromWorker);
      } catch (error) {
        port.postMessage({ type: 'error', id, error: threadError(error) } satisfies FromWorker);
      }
    });
  });
}

export function threadError(error: unknown): ThreadError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
}
