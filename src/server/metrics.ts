import type { ApolloServerPlugin } from '@apollo/server';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AnswerObserver } from '../pipeline/answer-service.js';
import type { RequestContext } from '../resolvers/request-context.js';

/** Prometheus metrics of one server, in a registry of its own so several servers can share a process. */
export class ServerMetrics implements AnswerObserver {
  readonly registry = new Registry();
  private readonly requestSeconds = new Histogram({
    name: 'kgqa_graphql_request_duration_seconds',
    help: 'GraphQL request latency by operation (root field or operation name) and outcome',
    labelNames: ['operation', 'outcome'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly cacheLookups = new Counter({
    name: 'kgqa_answer_cache_lookups_total',
    help: 'Answer cache lookups by result (hit or miss)',
    labelNames: ['result'],
    registers: [this.registry],
  });
  private readonly batchSize = new Histogram({
    name: 'kgqa_model_batch_size',
    help: 'Rows (question, sentence) per read of the QA model (a read runs the model once per batch of rows of similar length)',
    buckets: [1, 2, 5, 10, 20, 40, 80, 160],
    registers: [this.registry],
  });
  private readonly inferenceSeconds = new Histogram({
    name: 'kgqa_model_inference_seconds',
    help: 'Time of one read of the QA model: every model run of its rows, with their assembly and span selection',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly shed = new Counter({
    name: 'kgqa_requests_shed_total',
    help: 'Requests answered 503 before being read, because the queue for the model was full or too many were in flight',
    registers: [this.registry],
  });
  private readonly storeCalls = new Counter({
    name: 'kgqa_store_calls_total',
    help: 'Batched store calls (one round trip per shard on Redis) by method',
    labelNames: ['method'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const lookups = this.cacheLookups;
    new Gauge({
      name: 'kgqa_answer_cache_hit_ratio',
      help: 'Answer cache hits / lookups since start',
      registers: [this.registry],
      async collect() {
        const values = (await lookups.get()).values;
        const count = (result: string) => values.find((v) => v.labels.result === result)?.value ?? 0;
        const total = count('hit') + count('miss');
        this.set(total === 0 ? 0 : count('hit') / total);
      },
    });
  }

  /** Entries each in-process cache holds, so growth of the heap can be told apart from caches filling up. */
  observeCaches(entries: Record<string, () => number | null>): void {
    new Gauge({
      name: 'kgqa_cache_entries',
      help: 'Entries held by this process\'s caches (answers: the in-memory answer cache; retrieval: memoized retrievals)',
      labelNames: ['cache'],
      registers: [this.registry],
      collect() {
        for (const [cache, count] of Object.entries(entries)) {
          const size = count();
          if (size !== null) this.set({ cache }, size);
        }
      },
    });
  }

  /** Asks waiting in the admission queue. Event-loop lag is among the default metrics (nodejs_eventloop_lag_*_seconds). */
  observeQueue(waiting: () => number): void {
    new Gauge({
      name: 'kgqa_ask_queue_waiting',
      help: 'Asks waiting in the bounded queue for the model',
      registers: [this.registry],
      collect() {
        this.set(waiting());
      },
    });
  }

  onCacheLookup(hits: number, misses: number): void {
    this.cacheLookups.inc({ result: 'hit' }, hits);
    this.cacheLookups.inc({ result: 'miss' }, misses);
  }

  onRead(rows: number, seconds: number): void {
    this.batchSize.observe(rows);
    this.inferenceSeconds.observe(seconds);
  }

  onShed = (): void => {
    this.shed.inc();
  };

  onStoreCall = (method: string): void => {
    this.storeCalls.inc({ method });
  };

  apolloPlugin(): ApolloServerPlugin<RequestContext> {
    const requestSeconds = this.requestSeconds;
    return {
      async requestDidStart() {
        const stop = requestSeconds.startTimer();
        let operation = 'unknown';
        return {
          async didResolveOperation({ operationName, operation: document }) {
            const first = document?.selectionSet.selections[0];
            operation = operationName ?? (first?.kind === 'Field' ? first.name.value : (document?.operation ?? 'unknown'));
          },
          async willSendResponse({ response }) {
            const failed = response.body.kind === 'single' && (response.body.singleResult.errors?.length ?? 0) > 0;
            stop({ operation, outcome: failed ? 'error' : 'ok' });
          },
        };
      },
    };
  }
}
