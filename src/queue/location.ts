/**
 * Where the job queue lives: a Redis URL (`redis://[user:password@]HOST[:PORT][/DB]`, or
 * `rediss://` for TLS), parsed strictly so a typo is caught before any job is enqueued, and
 * a reachability probe that fails fast with what to check instead of retrying forever.
 */
import type { RedisOptions as QueueConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { UserFacingError } from '../util/errors.ts';

export interface QueueLocation {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly tls: boolean;
  readonly username?: string;
  readonly password?: string;
}

export const DEFAULT_REDIS_PORT = 6379;

/** A queue URL that cannot be used; `hint` shows a well-formed one. */
export class QueueUrlError extends UserFacingError {
  constructor(message: string, hint: string) {
    super(message, { kind: 'usage', hint });
  }
}

/** Redis did not answer at a well-formed location. */
export class QueueConnectionError extends UserFacingError {
  constructor(message: string, hint: string) {
    super(message, { kind: 'environment', hint });
  }
}

const EXAMPLE = 'for example redis://127.0.0.1:6379 or redis://queue-host:6379/2';

export function parseQueueUrl(text: string): QueueLocation {
  const bad = (what: string): never => {
    throw new QueueUrlError(`queue URL "${text}": ${what}`, EXAMPLE);
  };
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return bad('not a URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') bad(`scheme "${url.protocol.replace(/:$/, '')}" is not redis or rediss`);
  if (url.hostname === '') bad('no host after "redis://"');
  if (url.search !== '' || url.hash !== '') bad(`unexpected "${url.search}${url.hash}" after the database number`);
  const port = url.port === '' ? DEFAULT_REDIS_PORT : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) bad(`port "${url.port}" is not in [1, 65535]`);
  const path = url.pathname.replace(/^\//, '');
  let db = 0;
  if (path !== '') {
    if (!/^\d{1,5}$/.test(path)) bad(`database "${path}" is not a number (the part after the last "/" is the Redis database index)`);
    db = Number(path);
  }
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    db,
    tls: url.protocol === 'rediss:',
    ...(url.username !== '' ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password !== '' ? { password: decodeURIComponent(url.password) } : {}),
  };
}

/** The location as a URL without its password (for messages and logs). */
export function describeLocation(location: QueueLocation): string {
  const host = location.host.includes(':') ? `[${location.host}]` : location.host;
  const user = location.username !== undefined ? `${location.username}${location.password !== undefined ? ':***' : ''}@` : location.password !== undefined ? ':***@' : '';
  return `${location.tls ? 'rediss' : 'redis'}://${user}${host}:${location.port}/${location.db}`;
}

/** ioredis options for BullMQ's connections (it needs `maxRetriesPerRequest: null` for blocking reads). */
export function connectionOptions(location: QueueLocation): QueueConnectionOptions {
  return {
    host: location.host,
    port: location.port,
    db: location.db,
    ...(location.username !== undefined ? { username: location.username } : {}),
    ...(location.password !== undefined ? { password: location.password } : {}),
    ...(location.tls ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/** Connects once and pings; throws `QueueConnectionError` naming the location and what to check. */
export async function checkReachable(location: QueueLocation, timeoutMs = 5000): Promise<void> {
  const client = new Redis({
    ...connectionOptions(location),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // Without a listener ioredis prints unhandled connection errors itself.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new QueueConnectionError(
      `cannot reach Redis at ${describeLocation(location)}: ${reason}`,
      `check that redis-server runs there and accepts connections from this machine (its bind address, protected-mode, a firewall, the password); locally: redis-server --port ${location.port}`,
    );
  } finally {
    client.disconnect();
  }
}
