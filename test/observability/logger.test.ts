// flatLineLogger leaves out only the nested redaction paths, which cannot match inside strings and
// numbers: for such a line it writes what the full logger writes, top-level secrets censored alike.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, flatLineLogger, REDACTED_FIELDS } from '../../src/observability/logger.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      const { time: _time, ...line } = JSON.parse(String(chunk)) as Record<string, unknown>;
      lines.push(line);
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

describe('flatLineLogger', () => {
  it('writes a line of strings and numbers as the full logger does, top-level secrets censored', () => {
    const secrets = Object.fromEntries(REDACTED_FIELDS.map((f) => [f, `secret-${f}`]));
    const line = { requestId: 'r-1', method: 'POST', path: '/realms/acme/token', status: 200, ms: 1.5, ip: '192.0.2.1', ...secrets };
    const full = capture();
    const flat = capture();
    full.logger.info(line, 'request');
    flatLineLogger(flat.logger).info(line, 'request');
    expect(flat.lines).toEqual(full.lines);
    expect(flat.lines[0]).toMatchObject({ requestId: 'r-1', status: 200, password: '[redacted]', 'set-cookie': '[redacted]' });
    expect(JSON.stringify(flat.lines)).not.toContain('secret-');
  });
});
