import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { Mailboxes } from '../../console/src/app/Mailboxes';
import { account, session } from './fixtures';
import { json, renderScreen } from './render';

const ann = account();
const bob = account({
  accountId: '01JBBBBBBBBBBBBBBBBBBBBBBB',
  email: 'bob@example.org',
  displayName: 'Bob',
  status: 'disabled',
  statusLabel: 'Disabled',
  access: { login: 'deny', mail: 'deliver' },
});

const routes = (onStatus: (request: Request) => Response | Promise<Response>) => ({
  'GET /domains': () => json(200, { items: [{ domain: 'example.org', accounts: 2 }] }),
  'GET /domains/example.org/summary': () =>
    json(200, {
      domain: 'example.org',
      accounts: 2,
      byStatus: { active: 1, disabled: 1 },
      leavers: 0,
      inProgress: 0,
      stuck: 0,
    }),
  'GET /accounts': () => json(200, { items: [ann, bob], nextCursor: null }),
  [`PUT /accounts/${ann.accountId}/status`]: onStatus,
});

describe('Mailboxes', () => {
  it('lists the domain with counts, greys a blocked row and says Blocked in words', async () => {
    // Prepare / Act
    renderScreen(
      <Mailboxes />,
      session('accounts:write'),
      routes(() => json(500, {})),
    );

    // Assess
    expect(await screen.findByRole('option', { name: 'example.org (2)' })).toBeTruthy();
    expect(await screen.findByRole('option', { name: 'Disabled (1)' })).toBeTruthy();
    for (const name of ['Email', 'Name', 'Status', 'Last activity'])
      expect(screen.getByRole('columnheader', { name })).toBeTruthy();
    const bobRow = (await screen.findByText('bob@example.org')).closest('tr')!;
    expect(bobRow.className).toBe('blocked');
    expect(within(bobRow).getByText('Disabled — access blocked')).toBeTruthy();
    expect(within(bobRow).getByRole('button', { name: 'Restore access' })).toBeTruthy();
  });

  it('blocks access after the confirmation, sending If-Match and an Idempotency-Key', async () => {
    // Prepare
    const user = userEvent.setup();
    const { requests } = renderScreen(
      <Mailboxes />,
      session('accounts:write'),
      routes(() => json(200, { ...ann, status: 'disabled', statusLabel: 'Disabled', version: 4 })),
    );
    const annRow = (await screen.findByText('ann@example.org')).closest('tr')!;

    // Act
    await user.click(within(annRow).getByRole('button', { name: 'Block access' }));
    const dialog = screen.getByRole('dialog', { name: 'Block access' });
    await user.click(within(dialog).getByRole('button', { name: 'Yes, block access' }));

    // Assess
    expect(within(dialog).getByText(/still receives and stores mail/)).toBeTruthy();
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/ann@example.org is blocked/));
    const put = requests.find((r) => r.method === 'PUT')!;
    expect(put.headers.get('if-match')).toBe('"3"');
    expect(put.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await put.json()).toEqual({ status: 'disabled' });
  });

  it('explains a stale version and keeps the dialog open', async () => {
    // Prepare
    const user = userEvent.setup();
    renderScreen(
      <Mailboxes />,
      session('accounts:write'),
      routes(() =>
        json(
          412,
          { type: 'about:blank', title: 'Precondition Failed', status: 412, detail: 'stale' },
          'application/problem+json',
        ),
      ),
    );
    const annRow = (await screen.findByText('ann@example.org')).closest('tr')!;

    // Act
    await user.click(within(annRow).getByRole('button', { name: 'Block access' }));
    await user.click(screen.getByRole('button', { name: 'Yes, block access' }));

    // Assess
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/Someone else changed this account/);
    expect(screen.getByRole('dialog', { name: 'Block access' })).toBeTruthy();
  });
});
