import { describe, expect, it } from 'vitest';
import type { Alert, AlertType } from '../../../shared/alerts/alert';
import { GROUP_SAMPLE, GROUP_THRESHOLD, groupAlerts } from '../../../shared/alerts/grouped';
import { SILENT } from '../../../shared/observability';

const alert = (type: AlertType, i: number): Alert => ({
  type,
  at: '2026-12-01T00:00:00.000Z',
  summary: `operation of a${i} (a${i}@acme-mail.net) gave up`,
  account: { accountId: `a${i}`, email: `a${i}@acme-mail.net`, domain: 'acme-mail.net' },
  action: 'Retry or cancel it.',
});

function recording() {
  const sent: Alert[] = [];
  return { sent, publisher: { publish: async (a: Alert) => void sent.push(a) } };
}

describe('groupAlerts', () => {
  it(`sends up to ${GROUP_THRESHOLD} alerts of a type one by one, at the flush`, async () => {
    // Prepare
    const { sent, publisher } = recording();
    const group = groupAlerts(publisher, { source: 'worker batch' });

    // Act
    for (let i = 0; i < GROUP_THRESHOLD; i++) await group.publish(alert('operation_gave_up', i));
    const before = sent.length;
    const result = await group.flush();

    // Assess
    expect(before).toBe(0);
    expect(sent.map((a) => a.account?.accountId)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect(result).toEqual({ sent: GROUP_THRESHOLD, grouped: 0, undelivered: [] });
  });

  it('sends more than that as one page per type: the count, the first accounts and where the full list is', async () => {
    // Prepare
    const { sent, publisher } = recording();
    const logged: Record<string, unknown>[] = [];
    const logger = {
      ...SILENT,
      info: (_: string, attributes: Record<string, unknown>) => void logged.push(attributes),
    };
    const group = groupAlerts(publisher, { source: 'worker batch', logger, requestId: 'req-1' });

    // Act
    for (let i = 0; i < 30; i++) await group.publish(alert('operation_gave_up', i));
    await group.publish(alert('stuck', 99));
    const result = await group.flush();

    // Assess
    expect(sent).toHaveLength(2);
    const page = sent.find((a) => a.type === 'operation_gave_up');
    expect(page).toMatchObject({ grouped: true, count: 30, action: 'Retry or cancel it.' });
    expect((page?.accounts as unknown[]).length).toBe(GROUP_SAMPLE);
    expect(page?.fullList).toContain('req-1');
    expect(page?.summary).toMatch(/^30 operations gave up in one worker batch/);
    expect(logged.map((l) => l.accountId)).toEqual(Array.from({ length: 30 }, (_, i) => `a${i}`));
    expect(sent.find((a) => a.type === 'stuck')?.account?.accountId).toBe('a99');
    expect(result).toMatchObject({ sent: 2, grouped: 30, undelivered: [] });
  });

  it('undoes and returns what could not be delivered, and sends the rest', async () => {
    // Prepare: the grouped page fails, the single alert goes
    const sent: Alert[] = [];
    const undone: string[] = [];
    const group = groupAlerts(
      {
        publish: async (a) => {
          if (a.grouped === true) throw new Error('SNS unavailable');
          sent.push(a);
        },
      },
      { source: 'stuck detector run' },
    );

    // Act
    for (let i = 0; i < 7; i++) {
      await group.publish(alert('stuck', i), async () => void undone.push(`a${i}`));
    }
    await group.publish(alert('stuck_resolved', 9), async () => void undone.push('a9'));
    const result = await group.flush();

    // Assess
    expect(undone).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6']);
    expect(result.undelivered).toHaveLength(7);
    expect(sent.map((a) => a.type)).toEqual(['stuck_resolved']);
  });
});
