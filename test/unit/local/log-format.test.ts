/** The local commands' readable log lines (SPEC §6): one short line per JSON log line, the rest as is. */
import { describe, expect, it } from 'vitest';
import { readableLine, wantsJson } from '../../../infra/local/log-format';

describe('readableLine', () => {
  it("shows a Powertools line as time, level, function, message and the line's own attributes", () => {
    // Prepare
    const line = JSON.stringify({
      level: 'WARN',
      message: 'attempt failed; retry scheduled',
      timestamp: '2026-12-01T12:01:02.345Z',
      service: 'mailbox-lifecycle',
      sampling_rate: 0,
      xray_trace_id: '1-abc',
      cold_start: true,
      function_arn: 'arn:aws:lambda:eu-west-2:000000000000:function:mailbox-lifecycle-worker',
      function_memory_size: '1024',
      function_name: 'mailbox-lifecycle-worker',
      function_request_id: 'f7c1',
      function: 'worker',
      accountId: '01J',
      attempts: 1,
      delaySeconds: 30,
      error: 'HTTP 503 Service Unavailable: no mailbox for [address]',
    });

    // Act
    const shown = readableLine(line);

    // Assess
    expect(line.length).toBeGreaterThan(400);
    expect(shown).toBe(
      '12:01:02 WARN  [worker] attempt failed; retry scheduled accountId=01J attempts=1 delaySeconds=30 ' +
        'error="HTTP 503 Service Unavailable: no mailbox for [address]"',
    );
  });

  it('cuts a long value and leaves lines that are not JSON log lines alone', () => {
    const long = readableLine(JSON.stringify({ level: 'INFO', message: 'x', detail: 'y'.repeat(500) }));
    expect(long.length).toBeLessThan(160);
    expect(long.endsWith('…')).toBe(true);
    expect(readableLine('[stream] polling failed: boom')).toBe('[stream] polling failed: boom');
    expect(readableLine('{"sweep":"lockout","candidates":0}')).toBe('{"sweep":"lockout","candidates":0}');
    expect(readableLine('{not json')).toBe('{not json');
  });

  it('keeps JSON with LOG_FORMAT=json or the flag', () => {
    expect(wantsJson({ LOG_FORMAT: 'json' })).toBe(true);
    expect(wantsJson({}, true)).toBe(true);
    expect(wantsJson({})).toBe(false);
  });
});
