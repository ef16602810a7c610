// One classification of failures for both drivers: what is worth retrying (the engine or the
// network is busy or briefly gone) and what never succeeds (bad SQL, bad data, bad schema).
import { StoreError } from './port.js';

/** ClickHouse errors that clear up on their own: overload, timeouts, replicas and keeper. */
const TRANSIENT_CLICKHOUSE_ERRORS: Readonly<Record<number, string>> = {
  95: 'CANNOT_READ_FROM_SOCKET',
  96: 'CANNOT_WRITE_TO_SOCKET',
  159: 'TIMEOUT_EXCEEDED',
  173: 'CANNOT_ALLOCATE_MEMORY',
  202: 'TOO_MANY_SIMULTANEOUS_QUERIES',
  209: 'SOCKET_TIMEOUT',
  210: 'NETWORK_ERROR',
  225: 'NO_ZOOKEEPER',
  236: 'ABORTED',
  241: 'MEMORY_LIMIT_EXCEEDED',
  242: 'TABLE_IS_READ_ONLY',
  252: 'TOO_MANY_PARTS',
  265: 'NO_AVAILABLE_REPLICA',
  279: 'ALL_CONNECTION_TRIES_FAILED',
  289: 'REPLICA_IS_NOT_IN_QUORUM',
  319: 'UNKNOWN_STATUS_OF_INSERT',
  369: 'ALL_REPLICAS_ARE_STALE',
  416: 'REPLICA_STATUS_CHANGED',
  439: 'CANNOT_SCHEDULE_TASK',
  473: 'DEADLOCK_AVOIDED',
  574: 'DISTRIBUTED_TOO_MANY_PENDING_BYTES',
  745: 'SERVER_OVERLOADED',
  999: 'KEEPER_EXCEPTION',
};
const TRANSIENT_NAMES = new Set(Object.values(TRANSIENT_CLICKHOUSE_ERRORS));

/** Socket-level failures: the server is restarting, overloaded or unreachable for a moment. */
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** True for a ClickHouse error (by number or name) that is worth retrying. */
export function isTransientClickHouseError(code: number | string | undefined): boolean {
  if (code === undefined) return false;
  if (typeof code === 'number') return code in TRANSIENT_CLICKHOUSE_ERRORS;
  if (/^\d+$/.test(code)) return Number(code) in TRANSIENT_CLICKHOUSE_ERRORS;
  return TRANSIENT_NAMES.has(code);
}

export function isTransientNetworkCode(code: string | undefined): boolean {
  return code !== undefined && TRANSIENT_NETWORK_CODES.has(code);
}

/** The `(NAME)` ClickHouse appends to its messages, e.g. `... (TOO_MANY_PARTS)`. */
export function clickHouseErrorName(message: string): string | undefined {
  return /\(([A-Z][A-Z0-9_]+)\)\s*(?:\(version [^)]*\))?\s*$/.exec(message.trim())?.[1];
}

/** Wraps anything thrown by a driver, keeping StoreErrors as they are. */
export function storeError(
  error: unknown,
  what: string,
  classify: (error: unknown) => { transient: boolean; code?: string },
): StoreError {
  if (error instanceof StoreError) return error;
  const { transient, code } = classify(error);
  const message = error instanceof Error ? error.message : String(error);
  return new StoreError(`${what} failed: ${message}`, transient, { cause: error, code });
}
