import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { describeLocation, parseQueueUrl, QueueUrlError } from '../../src/queue/location.ts';
import { queueJobId } from '../../src/queue/protocol.ts';
import { queueLocations } from '../arbitraries.ts';

describe('queue URLs', () => {
  it('reads host, port, database, TLS and credentials', () => {
    expect(parseQueueUrl('redis://10.0.0.5:6380/2')).toEqual({ host: '10.0.0.5', port: 6380, db: 2, tls: false });
    expect(parseQueueUrl('redis://queue-host')).toEqual({ host: 'queue-host', port: 6379, db: 0, tls: false });
    expect(parseQueueUrl('rediss://user:p%40ss@h:1/0')).toEqual({ host: 'h', port: 1, db: 0, tls: true, username: 'user', password: 'p@ss' });
    expect(parseQueueUrl('redis://[::1]:7000')).toMatchObject({ host: '::1', port: 7000 });
  });

  it.each([
    ['127.0.0.1:6379', /not a URL/],
    ['http://127.0.0.1:6379', /scheme "http" is not redis/],
    ['redis://127.0.0.1:6379/queue', /database "queue" is not a number/],
    ['redis://127.0.0.1:6379/1?x=2', /unexpected "\?x=2"/],
    ['redis://127.0.0.1:99999', /not a URL|port/],
  ])('refuses %s with what is wrong and an example', (text, message) => {
    let error: unknown;
    try {
      parseQueueUrl(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QueueUrlError);
    expect((error as QueueUrlError).message).toContain(text);
    expect((error as QueueUrlError).message).toMatch(message);
    expect((error as QueueUrlError).hint).toMatch(/redis:\/\/127\.0\.0\.1:6379/);
  });

  test.prop([queueLocations()])('a location printed without its password reads back as itself', (location) => {
    const { password: _p, ...visible } = location;
    const reread = parseQueueUrl(describeLocation(location).replace(':***@', '@'));
    const { password: _q, ...rereadVisible } = reread;
    expect(rereadVisible).toEqual(visible);
    expect(describeLocation(location)).not.toContain(location.password ?? '\u0000');
  });

  test.prop([fc.string({ minLength: 1, maxLength: 20 }), fc.string({ minLength: 1, maxLength: 20 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })])(
    'job ids are a function of run, job and seed, never contain ":" and tell different inputs apart',
    (run, job, seed) => {
      const id = queueJobId(run, job, seed);
      expect(id).toBe(queueJobId(run, job, seed));
      expect(id).not.toContain(':');
      expect(queueJobId(run, job, seed + 1)).not.toBe(id);
    },
  );
});
