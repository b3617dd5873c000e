import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AccountPage } from '../../console/src/app/AccountPage';
import { account, session } from './fixtures';
import { json, renderScreen } from './render';

const ann = account();
const history = () =>
  json(200, {
    items: [
      {
        id: 'h1',
        accountId: ann.accountId,
        domain: 'example.org',
        at: ann.createdAt,
        from: 'pending',
        to: 'active',
        action: 'provision',
        actor: 'BackgroundTasks',
        reason: null,
        requestId: null,
      },
    ],
    nextCursor: null,
  });

describe('AccountPage', () => {
  it('offers only the allowed targets, each with its effect, and Save sends the chosen one', async () => {
    // Prepare
    const user = userEvent.setup();
    const { requests } = renderScreen(<AccountPage accountId={ann.accountId} />, session('accounts:write'), {
      [`GET /accounts/${ann.accountId}`]: () => json(200, ann),
      [`GET /accounts/${ann.accountId}/history`]: history,
      [`PUT /accounts/${ann.accountId}/status`]: () =>
        json(200, { ...ann, status: 'locked', statusLabel: 'Locked', version: 4 }),
    });
    const control = await screen.findByRole('combobox', { name: 'Account status' });

    // Act
    const options = [...(control as HTMLSelectElement).options].map((o) => o.textContent);
    await user.selectOptions(control, 'locked');
    await user.type(screen.getByRole('textbox', { name: 'Reason' }), 'suspected compromise');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    // Assess
    expect(options).toContain('Locked — login blocked, mail delivered');
    expect(options.some((o) => o?.startsWith('Pending'))).toBe(false);
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/now Locked/));
    const put = requests.find((r) => r.method === 'PUT')!;
    expect(put.headers.get('if-match')).toBe('"3"');
    expect(await put.json()).toEqual({ status: 'locked', reason: 'suspected compromise' });
    expect(screen.getByRole('cell', { name: 'BackgroundTasks' })).toBeTruthy();
  });

  it('explains a refusal with what is allowed and keeps the choice', async () => {
    // Prepare
    const user = userEvent.setup();
    renderScreen(<AccountPage accountId={ann.accountId} />, session('accounts:write'), {
      [`GET /accounts/${ann.accountId}`]: () => json(200, ann),
      [`GET /accounts/${ann.accountId}/history`]: history,
      [`PUT /accounts/${ann.accountId}/status`]: () =>
        json(
          409,
          { type: 'about:blank', title: 'Conflict', status: 409, detail: 'not allowed', allowed: ['active', 'closed'] },
          'application/problem+json',
        ),
    });
    const control = await screen.findByRole('combobox', { name: 'Account status' });

    // Act
    await user.selectOptions(control, 'maintenance');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    // Assess
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/Allowed now: Active, Closed/);
    expect((control as HTMLSelectElement).value).toBe('maintenance');
  });

  it('permanent delete waits for the address to be typed, and is offered to admins only', async () => {
    // Prepare
    const user = userEvent.setup();
    const deleted = account({
      status: 'deleted',
      statusLabel: 'Deleted',
      deletedAt: new Date().toISOString(),
      purgeAfter: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const routes = {
      [`GET /accounts/${ann.accountId}`]: () => json(200, deleted),
      [`GET /accounts/${ann.accountId}/history`]: history,
    };
    const writer = renderScreen(<AccountPage accountId={ann.accountId} />, session('accounts:write'), routes);
    await screen.findByRole('button', { name: 'Restore account' });
    expect(screen.queryByRole('button', { name: 'Delete permanently' })).toBeNull();
    writer.unmount();
    renderScreen(<AccountPage accountId={ann.accountId} />, session('accounts:admin'), routes);

    // Act
    await user.click(await screen.findByRole('button', { name: 'Delete permanently' }));
    const confirm = screen.getByRole('button', { name: 'Yes, delete permanently' }) as HTMLButtonElement;
    const before = confirm.disabled;
    await user.type(screen.getByRole('textbox', { name: 'Type the address to confirm' }), 'ann@example.org');

    // Assess
    expect(before).toBe(true);
    expect(confirm.disabled).toBe(false);
  });
});
