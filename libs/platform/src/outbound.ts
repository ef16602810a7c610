// Outbound HTTP calls to other systems (notification channels, issue trackers), off the event
// path. One attempt's outcome is data: `ok`, `retry` (network error, timeout, 5xx, 429) or
// `refused` (any other 4xx: the receiver will never take this request as it is). Two ways to
// retry: the DeliveryQueue for fire-and-forget deliveries (notifications: a bounded queue, the
// caller never waits), and callWithRetries for request/response conversations whose caller
// needs the answer (problem sync: search, then create or update). Both back off exponentially
// with the core's jittered backoff.
import { backoffDelay } from '#core';
import type { Logger } from '#observability';

export interface OutboundRequest {
  readonly url: string;
  /** POST unless said otherwise. */
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH';
  /** Sent as JSON; none for a GET. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface DeliverySettings {
  readonly maxQueued: number;
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly timeoutMs: number;
}

export const DEFAULT_DELIVERY: DeliverySettings = {
  maxQueued: 10_000,
  maxAttempts: 12,
  initialDelayMs: 500,
  maxDelayMs: 5 * 60_000,
  timeoutMs: 10_000,
};

export type AttemptOutcome = 'ok' | 'retry' | 'refused';

export interface AttemptResult {
  readonly outcome: AttemptOutcome;
  /** The HTTP status; undefined when no response came (network error, timeout). */
  readonly status?: number;
  /** The response body as text (parse it with `json`). */
  readonly text: string;
  readonly error?: string;
}

/** One try of a request: never throws, says what happened. */
export async function attemptRequest(
  request: OutboundRequest,
  timeoutMs: number,
  idempotencyKey?: string,
): Promise<AttemptResult> {
  const method = request.method ?? 'POST';
  try {
    const response = await fetch(request.url, {
      method,
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        accept: 'application/json',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
        ...request.headers,
      },
    });
    const text = await response.text();
    const outcome: AttemptOutcome = response.ok
      ? 'ok'
      : response.status === 429 || response.status >= 500
        ? 'retry'
        : 'refused';
    return { outcome, status: response.status, text };
  } catch (error) {
    return { outcome: 'retry', text: '', error: (error as Error).message };
  }
}

/** A request the receiver refused (4xx) or that still failed after every attempt. */
export class OutboundError extends Error {
  constructor(
    readonly request: OutboundRequest,
    readonly result: AttemptResult,
    readonly attempts: number,
  ) {
    const what =
      result.status === undefined ? result.error : `HTTP ${result.status} ${result.text.slice(0, 300)}`;
    super(
      `${request.method ?? 'POST'} ${request.url}: ${result.outcome === 'refused' ? 'refused' : `failed ${attempts} times`}: ${what}`,
    );
    this.name = 'OutboundError';
  }

  get refused(): boolean {
    return this.result.outcome === 'refused';
  }
}

export interface RetryOptions {
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly timeoutMs: number;
  readonly random?: () => number;
}

/**
 * A request/response call, retried with backoff while the outcome is `retry`, at most
 * `maxAttempts` times. Resolves with the successful attempt; throws OutboundError when the
 * receiver refused or the attempts ran out.
 */
export async function callWithRetries(
  request: OutboundRequest,
  options: RetryOptions,
  logger: Logger,
): Promise<AttemptResult> {
  for (let attempt = 1; ; attempt++) {
    const result = await attemptRequest(request, options.timeoutMs);
    if (result.outcome === 'ok') return result;
    if (result.outcome === 'refused' || attempt >= options.maxAttempts)
      throw new OutboundError(request, result, attempt);
    const delayMs = backoff(options, attempt);
    logger.warn('outbound call failed, will retry', {
      method: request.method ?? 'POST',
      url: request.url,
      status: result.status,
      error: result.error,
      attempt,
      delayMs,
    });
    await new Promise((r) => setTimeout(r, delayMs));
  }
}

function backoff(settings: Pick<RetryOptions, 'initialDelayMs' | 'maxDelayMs' | 'random'>, attempt: number) {
  const { initialDelayMs: initialMs, maxDelayMs: maxMs } = settings;
  return backoffDelay({ initialMs, maxMs }, attempt, settings.random ?? Math.random);
}

interface Delivery {
  readonly key: string;
  readonly request: OutboundRequest;
  attempts: number;
  dueAt: number;
}

export interface NotifierStats {
  delivered: number;
  retried: number;
  dropped: number;
  queued: number;
}

/**
 * Fire-and-forget deliveries: failed ones wait in a bounded retry queue; 4xx other than 429 are
 * not retried (the receiver refused the payload). Each delivery carries an idempotency key, so a
 * receiver can drop the duplicates that at-least-once delivery implies.
 */
export class DeliveryQueue {
  private readonly queue: Delivery[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending = false;
  private closed = false;
  readonly stats: NotifierStats = { delivered: 0, retried: 0, dropped: 0, queued: 0 };

  constructor(
    private readonly settings: DeliverySettings,
    private readonly logger: Logger,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Queues a request for delivery; never blocks the caller on the receiver. */
  enqueue(key: string, request: OutboundRequest): void {
    if (this.closed) return;
    if (this.queue.length >= this.settings.maxQueued) {
      const dropped = this.queue.shift()!;
      this.stats.dropped++;
      this.logger.warn('notification queue full: dropped the oldest delivery', { key: dropped.key });
    }
    this.queue.push({ key, request, attempts: 0, dueAt: this.now() });
    this.stats.queued = this.queue.length;
    this.schedule(0);
  }

  /** Waits until every queued delivery was delivered or given up on, or the deadline passes. */
  async drain(deadlineMs = 10_000): Promise<void> {
    const until = this.now() + deadlineMs;
    while ((this.queue.length > 0 || this.sending) && this.now() < until) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async close(): Promise<void> {
    await this.drain(this.settings.timeoutMs);
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pump();
    }, delayMs);
    this.timer.unref();
  }

  private async pump(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      for (;;) {
        const next = this.queue[0];
        if (!next) return;
        const wait = next.dueAt - this.now();
        if (wait > 0) return this.schedule(wait);
        const outcome = await this.send(next);
        this.queue.shift();
        if (outcome === 'retry' && next.attempts < this.settings.maxAttempts) {
          next.dueAt = this.now() + backoff(this.settings, next.attempts);
          this.stats.retried++;
          this.queue.push(next);
          this.queue.sort((a, b) => a.dueAt - b.dueAt);
        } else if (outcome !== 'ok') {
          this.stats.dropped++;
          this.logger.error('notification delivery given up', { key: next.key, attempts: next.attempts });
        } else {
          this.stats.delivered++;
        }
        this.stats.queued = this.queue.length;
      }
    } finally {
      this.sending = false;
    }
  }

  private async send(delivery: Delivery): Promise<AttemptOutcome> {
    delivery.attempts++;
    const result = await attemptRequest(delivery.request, this.settings.timeoutMs, delivery.key);
    if (result.outcome === 'refused')
      this.logger.warn('notification receiver refused a delivery', {
        key: delivery.key,
        status: result.status,
      });
    else if (result.outcome === 'retry' && result.status === undefined)
      this.logger.warn('notification delivery failed, will retry', {
        key: delivery.key,
        error: result.error,
      });
    return result.outcome;
  }
}
