/**
 * A disk cache for generated pools, so a data set is made once. An entry is one file:
 * magic, header length, a JSON header (parameters, payload length and SHA-256), then the
 * payload bytes. Writes are atomic; a corrupt entry is reported and treated as missing.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../util/atomicFile.ts';

const MAGIC = Buffer.from('SYNTHDC1', 'ascii');

/** `$SYNTH_CACHE_DIR/data` when set, else `.cache/data` at the repository root. */
export function defaultDataCacheDir(): string {
  const root = process.env.SYNTH_CACHE_DIR;
  if (root) return resolve(root, 'data');
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '.cache', 'data');
}

export interface CacheEntry<H> {
  readonly header: H;
  readonly payload: Uint8Array;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function writeCacheEntry(path: string, header: object, payload: Uint8Array): void {
  const headerBytes = Buffer.from(JSON.stringify({ ...header, payloadLength: payload.length, payloadSha256: sha256(payload) }), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length, 0);
  writeFileAtomic(path, Buffer.concat([MAGIC, length, headerBytes, payload]));
}

/**
 * The entry at `path`, or null when there is none or it cannot be trusted (then `warn`
 * says why). `matches` checks that the header describes what the caller asked for.
 */
export function readCacheEntry<H>(path: string, matches: (header: H) => boolean, warn: (message: string) => void): CacheEntry<H> | null {
  if (!existsSync(path)) return null;
  const fail = (why: string) => {
    warn(`data cache entry ${path} is unusable (${why}); generating it again`);
    return null;
  };
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    return fail(`cannot read: ${(err as Error).message}`);
  }
  if (bytes.length < MAGIC.length + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return fail('not a cache file');
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  const headerStart = MAGIC.length + 4;
  if (headerStart + headerLength > bytes.length) return fail('truncated header');
  let header: H & { payloadLength?: number; payloadSha256?: string };
  try {
    header = JSON.parse(bytes.subarray(headerStart, headerStart + headerLength).toString('utf8'));
  } catch {
    return fail('header is not JSON');
  }
  const payload = new Uint8Array(bytes.buffer, bytes.byteOffset + headerStart + headerLength, bytes.length - headerStart - headerLength);
  if (payload.length !== header.payloadLength) return fail(`payload is ${payload.length} bytes, header says ${header.payloadLength}`);
  if (sha256(payload) !== header.payloadSha256) return fail('payload checksum mismatch');
  if (!matches(header)) return fail('header does not match the request');
  return { header, payload };
}

export function cachePath(dir: string, key: string): string {
  return join(dir, `${key}.bin`);
}
