// Every version of every canonical schema in schemas/<name>/v<N>.avsc, parsed once. The
// newest version is what Aftershock writes and reads into; older ones are kept so data written
// with them (found by fingerprint or registry id) is still read, through Avro schema resolution.
import { readdirSync, readFileSync } from 'node:fs';
import avro from 'avsc';
import { projectPath } from '#config';
import { rabinFingerprint } from './rabin.js';
import { LOGICAL_TYPES } from './timestamp-millis.js';

/** avsc's resolver class is not exported by name from its typings. */
export type AvroResolver = ReturnType<avro.Type['createResolver']>;

export const EVENT_NAMES = [
  'change',
  'alert',
  'telemetry',
  'incident',
  'verdict',
  'problem',
  'assessment',
  'dead-letter',
  'incident-command',
  'problem-command',
  'slo-definition',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

export interface SchemaVersion {
  readonly event: EventName;
  readonly version: number;
  readonly type: avro.Type;
  /** The schema JSON as written in the file. */
  readonly schema: avro.Schema;
  /** Parsing Canonical Form, as registries and fingerprints see it. */
  readonly canonical: string;
  /** CRC-64-AVRO fingerprint, hex; the single-object encoding header carries its bytes. */
  readonly fingerprint: string;
}

export class SchemaCatalog {
  private readonly versions = new Map<EventName, SchemaVersion[]>();
  private readonly byFingerprint = new Map<string, SchemaVersion>();
  private readonly resolvers = new Map<string, AvroResolver>();

  constructor(directory: string = projectPath('schemas')) {
    for (const event of EVENT_NAMES) {
      const files = readdirSync(`${directory}/${event}`)
        .map((f) => /^v(\d+)\.avsc$/.exec(f))
        .filter((m): m is RegExpExecArray => m !== null)
        .sort((a, b) => Number(a[1]) - Number(b[1]));
      const list = files.map((m) => {
        const schema = JSON.parse(readFileSync(`${directory}/${event}/${m[0]}`, 'utf8')) as avro.Schema;
        const type = avro.Type.forSchema(schema, { logicalTypes: LOGICAL_TYPES });
        const canonical = type.schema() as unknown as string;
        const entry: SchemaVersion = {
          event,
          version: Number(m[1]),
          type,
          schema,
          canonical: JSON.stringify(canonical),
          fingerprint: rabinFingerprint(JSON.stringify(canonical)).toString('hex'),
        };
        this.byFingerprint.set(entry.fingerprint, entry);
        return entry;
      });
      if (list.length === 0) throw new Error(`no schema versions for ${event} in ${directory}/${event}`);
      this.versions.set(event, list);
    }
  }

  latest(event: EventName): SchemaVersion {
    const list = this.versions.get(event)!;
    return list[list.length - 1]!;
  }

  version(event: EventName, version: number): SchemaVersion {
    const found = this.versions.get(event)!.find((v) => v.version === version);
    if (!found) throw new Error(`no version ${version} of the ${event} schema`);
    return found;
  }

  all(event: EventName): readonly SchemaVersion[] {
    return this.versions.get(event)!;
  }

  findByFingerprint(fingerprint: string): SchemaVersion | undefined {
    return this.byFingerprint.get(fingerprint);
  }

  /** A type that reads data written with `writer` into the shape of `reader`. */
  resolver(writer: avro.Type, reader: avro.Type): AvroResolver {
    const key = `${writer.fingerprint('sha256').toString('hex')}>${reader.fingerprint('sha256').toString('hex')}`;
    let resolver = this.resolvers.get(key);
    if (!resolver) {
      resolver = reader.createResolver(writer);
      this.resolvers.set(key, resolver);
    }
    return resolver;
  }
}

let shared: SchemaCatalog | undefined;
/** The catalog of the project's schemas, loaded once per process. */
export function schemaCatalog(): SchemaCatalog {
  shared ??= new SchemaCatalog();
  return shared;
}
