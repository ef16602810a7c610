// Outbound HTTP deliveries of notifications (every channel's requests, channels.ts), off the
// incident path. Deliveries that fail (network error, 5xx, 429) wait in a bounded retry queue
// with exponential backoff; 4xx other than 429 are not retried (the receiver refused the
// payload). Each delivery carries an idempotency key, so a receiver can drop the duplicates
// that at-least-once delivery implies.
import { backoffDelay } from '#core';
import type { Logger } from '#observability';
import type { OutboundRequest } from './channels.js';

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

interface Delivery {
  readonly key: string;
  readonly request: OutboundRequest;
  readonly body: string;
  attempts: number;
  dueAt: number;
}

export interface NotifierStats {
  delivered: number;
  retried: number;
  dropped: number;
  queued: number;
}

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
    this.queue.push({ key, request, body: JSON.stringify(request.body), attempts: 0, dueAt: this.now() });
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
          next.dueAt = this.now() + this.backoff(next.attempts);
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

  private async send(delivery: Delivery): Promise<'ok' | 'retry' | 'refused'> {
    delivery.attempts++;
    try {
      const response = await fetch(delivery.request.url, {
        method: 'POST',
        body: delivery.body,
        signal: AbortSignal.timeout(this.settings.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'idempotency-key': delivery.key,
          ...delivery.request.headers,
        },
      });
      await response.arrayBuffer();
      if (response.ok) return 'ok';
      if (response.status === 429 || response.status >= 500) return 'retry';
      this.logger.warn('notification receiver refused a delivery', {
        key: delivery.key,
        status: response.status,
      });
      return 'refused';
    } catch (error) {
      this.logger.warn('notification delivery failed, will retry', {
        key: delivery.key,
        error: (error as Error).message,
      });
      return 'retry';
    }
  }

  private backoff(attempt: number): number {
    const { initialDelayMs: initialMs, maxDelayMs: maxMs } = this.settings;
    return backoffDelay({ initialMs, maxMs }, attempt, Math.random);
  }
}
