// The live incident stream's fan-out: the stream consumer hands it each incident version, it
// writes one Server-Sent Event per version to every connected client whose filter matches, and
// a heartbeat comment to all of them every STREAM_HEARTBEAT (15 s) so proxies keep the
// connection open. A client that stops reading is dropped rather than buffered without bound,
// and a token may hold at most STREAM_MAX_PER_TOKEN streams at once (more: 429).
// On shutdown every stream is ended first, so the HTTP server can close.
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Response } from 'express';
import type { Incident } from '#contracts';
import type { Logger } from '#observability';
import { LOGGER, SHUTDOWN, type ShutdownSequence } from '#platform';
import { API_CONFIG, type ApiConfig } from '../api.settings.js';

/** Bytes a client may fall behind before it is dropped. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Reconnection delay EventSource clients are told to use. */
const RETRY_MS = 3_000;

export interface StreamFilter {
  readonly service?: string;
  readonly environment?: string;
}

interface Client {
  readonly response: Response;
  readonly filter: StreamFilter;
  /** The name of the token that opened it. */
  readonly token: string;
}

@Injectable()
export class IncidentStream implements OnModuleInit, OnModuleDestroy {
  private readonly clients = new Set<Client>();
  private readonly perToken = new Map<string, number>();
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SHUTDOWN) private readonly shutdown: ShutdownSequence,
  ) {}

  onModuleInit(): void {
    this.heartbeat = setInterval(
      () => this.broadcastRaw(`: heartbeat ${new Date().toISOString()}\n\n`),
      this.config.heartbeatMs,
    );
    this.heartbeat.unref();
    this.shutdown.register('stop-intake', 'incident stream clients', () => this.close());
  }

  onModuleDestroy(): void {
    this.close();
  }

  /** Takes over the response as an event stream until the client leaves or the app stops. */
  open(response: Response, filter: StreamFilter, token: string): void {
    if (this.closed) {
      response.status(503).json({ error: { code: 'shutting-down', reason: 'the server is shutting down' } });
      return;
    }
    const open = this.perToken.get(token) ?? 0;
    if (open >= this.config.streamMaxPerToken) {
      response.status(429).json({
        error: {
          code: 'stream.too-many',
          reason: `token "${token}" already holds ${open} live streams (STREAM_MAX_PER_TOKEN); close one first`,
        },
      });
      return;
    }
    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-cache, no-transform');
    response.setHeader('Connection', 'keep-alive');
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    response.socket?.setNoDelay(true);
    const client: Client = { response, filter, token };
    this.clients.add(client);
    this.perToken.set(token, open + 1);
    response.on('close', () => this.remove(client));
    response.write(`retry: ${RETRY_MS}\n: connected\n\n`);
  }

  /** One event per incident version: `id: <incident id>/<version>`, `data:` the incident as JSON. */
  publish(incident: Incident): void {
    if (this.clients.size === 0) return;
    const event = `id: ${incident.id}/${incident.version}\ndata: ${JSON.stringify(incident)}\n\n`;
    for (const client of this.clients) {
      const { service, environment } = client.filter;
      if (service && incident.service !== service && !incident.services.includes(service)) continue;
      if (environment && incident.environment !== environment) continue;
      this.write(client, event);
    }
  }

  size(): number {
    return this.clients.size;
  }

  private broadcastRaw(text: string): void {
    for (const client of this.clients) this.write(client, text);
  }

  private write(client: Client, text: string): void {
    const { response } = client;
    if (response.writableLength > MAX_BUFFERED_BYTES) {
      this.logger.warn('incident stream client too slow; dropped', { buffered: response.writableLength });
      this.remove(client);
      response.destroy();
      return;
    }
    response.write(text);
  }

  private remove(client: Client): void {
    if (!this.clients.delete(client)) return;
    const left = (this.perToken.get(client.token) ?? 1) - 1;
    if (left > 0) this.perToken.set(client.token, left);
    else this.perToken.delete(client.token);
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const client of this.clients) client.response.end();
    this.clients.clear();
    this.perToken.clear();
  }
}
