// A minimal Confluent-compatible schema registry client (the REST API that Confluent Schema
// Registry, Redpanda, Karapace and Apicurio's ccompat endpoint serve): register a schema under
// `<topic>-value` to get its id, and fetch a writer schema by id. Ids are cached forever —
// a registry never reuses an id for a different schema.
import avro from 'avsc';
import { LOGICAL_TYPES } from './timestamp-millis.js';

export interface SchemaRegistryOptions {
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
}

export class SchemaRegistryClient {
  private readonly ids = new Map<string, Promise<number>>();
  private readonly types = new Map<number, Promise<avro.Type>>();
  private readonly auth: string | undefined;

  constructor(private readonly options: SchemaRegistryOptions) {
    this.auth = options.username
      ? 'Basic ' + Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')
      : undefined;
  }

  /** The id of `canonical` under `subject`, registering it when new. */
  idFor(subject: string, canonical: string): Promise<number> {
    const key = `${subject}\n${canonical}`;
    let id = this.ids.get(key);
    if (!id) {
      id = this.request<{ id: number }>(`/subjects/${encodeURIComponent(subject)}/versions`, {
        method: 'POST',
        body: JSON.stringify({ schema: canonical, schemaType: 'AVRO' }),
      }).then((r) => r.id);
      id.catch(() => this.ids.delete(key));
      this.ids.set(key, id);
    }
    return id;
  }

  /** The writer schema registered under `id`. */
  typeById(id: number): Promise<avro.Type> {
    let type = this.types.get(id);
    if (!type) {
      type = this.request<{ schema: string }>(`/schemas/ids/${id}`, { method: 'GET' }).then((r) =>
        avro.Type.forSchema(JSON.parse(r.schema) as avro.Schema, { logicalTypes: LOGICAL_TYPES }),
      );
      type.catch(() => this.types.delete(id));
      this.types.set(id, type);
    }
    return type;
  }

  private async request<T>(path: string, init: { method: string; body?: string }): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/vnd.schemaregistry.v1+json' };
    if (init.body) headers['content-type'] = 'application/vnd.schemaregistry.v1+json';
    if (this.auth) headers.authorization = this.auth;
    const response = await fetch(new URL(path, this.options.url), { ...init, headers });
    if (!response.ok) {
      throw new Error(
        `schema registry ${init.method} ${path} answered ${response.status}: ${await response.text()}`,
      );
    }
    return (await response.json()) as T;
  }
}
