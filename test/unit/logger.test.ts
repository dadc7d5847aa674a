import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { registerSecret } from '../../src/core/redact.js';
import { createLogger } from '../../src/observability/logger.js';

function capture(): { stream: Writable; lines: () => Array<Record<string, unknown>>; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk: Buffer, _enc, done) { chunks.push(chunk.toString('utf8')); done(); } });
  const text = (): string => chunks.join('');
  return { stream, text, lines: () => text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('logger', () => {
  it('masks passwords in messages, objects, Error messages, stacks and secret-named fields', () => {
    registerSecret('Log-Secret-77');
    const out = capture();
    const logger = createLogger({ pretty: false, destination: out.stream, level: 'debug' });
    const error = Object.assign(new Error('connect mysql://app:Log-Secret-77@db:3306/x failed'), { code: 'E1', password: 'Log-Secret-77' });
    logger.error(error);
    logger.error({ err: error }, 'failed for mysql://app:Log-Secret-77@db/x');
    logger.info({ url: 'mysql://app:Log-Secret-77@db/x', nested: { password: 'plain', note: 'pw Log-Secret-77' } }, 'connecting');
    assert.doesNotMatch(out.text(), /Log-Secret-77|"plain"/);
    const [first, second, third] = out.lines();
    assert.equal(first?.msg, 'connect mysql://app:***@db:3306/x failed');
    assert.equal((second?.err as { code?: string }).code, 'E1');
    assert.match(String((second?.err as { stack?: string }).stack), /at /);
    assert.equal((third?.nested as { password?: string }).password, '***');
  });

  it('prints circular objects instead of throwing', () => {
    const out = capture();
    const logger = createLogger({ pretty: false, destination: out.stream });
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    logger.info(cyclic, 'cyclic');
    assert.equal(out.lines()[0]?.self, '[Circular]');
  });

  it('honours the level', () => {
    const out = capture();
    const logger = createLogger({ pretty: false, destination: out.stream, level: 'warn' });
    logger.info('hidden');
    logger.warn('shown');
    assert.deepEqual(out.lines().map((l) => l.msg), ['shown']);
  });
});
