/**
 * The admin console in headless Chromium against the real local stack: the seeds' two procedures (003:
 * block and restore access from the mailbox list; 000: edit an account's status and Save), then each
 * capability of SPEC §9, finding everything by role and accessible name as a person would. Every screen
 * passes axe-core (no serious or critical violation) at 1280 and 390 px; with UPDATE_SCREENSHOTS=1
 * (`npm run screenshots`) the run saves the docs' screenshots.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { REPO_ROOT } from '../../infra/local/paths';
import { launchChromium, violationsAtWidths } from './browser';
import { DOMAIN, FILLERS, startWorld } from './world';
import type { World } from './world';

let world: World;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const cspViolations: string[] = [];

/** The docs' screenshots are rewritten only when asked (`npm run screenshots`); otherwise they go to a temporary folder. */
const shotsDir =
  process.env.UPDATE_SCREENSHOTS === '1' ? `${REPO_ROOT}docs` : mkdtempSync(join(tmpdir(), 'console-shots-'));
const shot = (name: string) => page.screenshot({ path: join(shotsDir, `${name}.png`) });
const row = (email: string) => page.getByRole('row', { name: new RegExp(email.replace(/[.]/g, '\\.')) });
const noSeriousViolations = async () => {
  const found = await violationsAtWidths(page);
  expect(found).toEqual({ '1280px': [], '390px': [] });
};
const openList = async () => {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Mailboxes' }).click();
  await page.getByRole('combobox', { name: 'Domain' }).selectOption(DOMAIN);
  await page.getByRole('combobox', { name: 'Status filter' }).selectOption('all');
  await page.getByRole('searchbox', { name: 'Search' }).fill('');
  await row(`ann@${DOMAIN}`).waitFor();
};
const listedEmails = async () =>
  (await page.getByRole('region', { name: 'Mailboxes' }).getByRole('link', { name: /@/ }).allTextContents()).sort();
const openAccount = async (email: string) => {
  await openList();
  await page.getByRole('searchbox', { name: 'Search' }).fill(email.split('@')[0]!);
  await row(email).getByRole('link', { name: 'Edit' }).click();
  await page.getByRole('heading', { level: 1, name: email }).waitFor();
};

beforeAll(async () => {
  [world, browser] = await Promise.all([startWorld(), launchChromium()]);
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
  });
}, 240_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await world?.stop();
});

describe('signing in', () => {
  it('shows the local sign-in page with User, Scopes and Domains, and signs in', async () => {
    // Prepare
    await page.goto(world.url);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await noSeriousViolations();

    // Act
    await page.getByRole('textbox', { name: 'User' }).fill('alice');
    await page.getByRole('textbox', { name: 'Scopes' }).fill('accounts:admin');
    await page.getByRole('textbox', { name: 'Domains' }).fill('*');
    await page.getByRole('button', { name: 'Sign in' }).click();

    // Assess
    await page.getByRole('heading', { level: 1, name: 'Mailboxes' }).waitFor();
    expect(await page.getByText('Signed in as alice').isVisible()).toBe(true);
    const stored = await page.evaluate('Object.keys(sessionStorage).length');
    expect(stored).toBeGreaterThan(0);
    expect((await context.cookies()).length).toBe(0);
    expect(page.url()).not.toMatch(/token|eyJ/);
  });
});

describe('003: block and restore access', () => {
  it('lists the domain with counts and the Email, Name, Status and Last activity columns', async () => {
    // Act
    await openList();

    // Assess
    const domainOptions = await page.getByRole('combobox', { name: 'Domain' }).locator('option').allTextContents();
    expect(domainOptions).toEqual(expect.arrayContaining([expect.stringMatching(/^e2e\.example \(\d+\)$/)]));
    expect(domainOptions).toEqual(expect.arrayContaining(['other.example (1)']));
    for (const name of ['Email', 'Name', 'Status', 'Last activity'])
      await page.getByRole('columnheader', { name }).waitFor();
    await shot('console-list');
    await noSeriousViolations();
  });

  it('keeps address, status and actions on screen at 390 px', async () => {
    // Act
    await page.setViewportSize({ width: 390, height: 844 });
    const ann = row(`ann@${DOMAIN}`);
    const boxes = await Promise.all(
      [
        ann.getByRole('link', { name: `ann@${DOMAIN}` }),
        ann.getByText('Active'),
        ann.getByRole('button', { name: 'Block access' }),
      ].map((part) => part.boundingBox()),
    );
    await shot('console-list-390');
    await page.setViewportSize({ width: 1280, height: 900 });

    // Assess
    for (const box of boxes) expect(box!.x + box!.width).toBeLessThanOrEqual(390);
  });

  it('blocks access after the confirmation: the row is greyed and says Blocked', async () => {
    // Prepare
    const ann = row(`ann@${DOMAIN}`);

    // Act
    await ann.getByRole('button', { name: 'Block access' }).click();
    const dialog = page.getByRole('dialog', { name: 'Block access' });
    await dialog.waitFor();
    const text = await dialog.textContent();
    await shot('console-block-confirmation');
    await noSeriousViolations();
    await dialog.getByRole('button', { name: 'Yes, block access' }).click();

    // Assess
    expect(text).toMatch(/Nobody will be able to log in/);
    expect(text).toMatch(/still receives and stores mail/);
    await ann.getByText('Disabled — access blocked').waitFor();
    expect(await ann.getAttribute('class')).toBe('blocked');
    const background = await ann.locator('td').first().evaluate('(td) => getComputedStyle(td).backgroundColor');
    expect(background).not.toBe('rgba(0, 0, 0, 0)');
    expect((await world.account(`ann@${DOMAIN}`)).status).toBe('disabled');
    await noSeriousViolations();
  });

  it('restores access after the confirmation: the row is no longer greyed', async () => {
    // Prepare
    const ann = row(`ann@${DOMAIN}`);

    // Act
    await ann.getByRole('button', { name: 'Restore access' }).click();
    await page
      .getByRole('dialog', { name: 'Restore access' })
      .getByRole('button', { name: 'Yes, restore access' })
      .click();

    // Assess
    await ann.getByRole('button', { name: 'Block access' }).waitFor();
    expect(await ann.getAttribute('class')).toBeNull();
    expect((await world.settled(`ann@${DOMAIN}`)).status).toBe('active');
  });
});

describe('003 by keyboard alone', () => {
  it('blocks access with Enter, Escape cancels, Tab and Enter confirm', async () => {
    // Prepare
    await openList();
    const gus = row(`gus@${DOMAIN}`);
    await gus.getByRole('button', { name: 'Block access' }).focus();

    // Act: open and cancel with the keyboard, then open and confirm.
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Block access' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Block access' }).waitFor({ state: 'detached' });
    const afterEscape = (await world.account(`gus@${DOMAIN}`)).status;
    await gus.getByRole('button', { name: 'Block access' }).focus();
    await page.keyboard.press('Enter');
    const focusedFirst = await page.evaluate('document.activeElement?.textContent');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');

    // Assess
    expect(afterEscape).toBe('active');
    expect(focusedFirst).toBe('Cancel');
    await gus.getByText('Disabled — access blocked').waitFor();
    expect((await world.settled(`gus@${DOMAIN}`)).status).toBe('disabled');
  });
});

describe('000: edit an account status and Save', () => {
  it('opens the account, picks the status under Account status, Save takes effect immediately', async () => {
    // Prepare
    await openAccount(`ben@${DOMAIN}`);
    const control = page.getByRole('combobox', { name: 'Account status' });
    const offered = await control.locator('option').allTextContents();
    await shot('console-account');
    await noSeriousViolations();

    // Act
    await control.selectOption('maintenance');
    await page.getByRole('textbox', { name: 'Reason' }).fill('mail store migration');
    await page.getByRole('button', { name: 'Save' }).click();

    // Assess
    expect(offered).toEqual(expect.arrayContaining(['Maintenance — login blocked, mail queued']));
    expect(offered.join('|')).not.toMatch(/Enabling|Deleted Permanent/);
    await page
      .getByRole('status')
      .getByText(/now Maintenance\. This takes effect immediately/)
      .waitFor();
    expect((await world.account(`ben@${DOMAIN}`)).status).toBe('maintenance');
  });

  it('shows the History newest first: who, when, from, to, why', async () => {
    // Prepare
    const history = page.getByRole('region', { name: 'History' });

    // Act
    await history.getByRole('cell', { name: 'mail store migration' }).waitFor();
    const rows = await history.getByRole('row').allTextContents();

    // Assess
    expect(rows[1]).toMatch(/alice.*Active.*Maintenance.*mail store migration/);
    expect(rows.at(-1)).toMatch(/Pending/);
    await page.getByRole('heading', { name: 'History' }).scrollIntoViewIfNeeded();
    await shot('console-history');
  });

  it('locks and unlocks', async () => {
    // Act
    await page.getByRole('combobox', { name: 'Account status' }).selectOption('locked');
    await page.getByRole('button', { name: 'Save' }).click();
    await page
      .getByRole('status')
      .getByText(/now Locked/)
      .waitFor();
    await page.getByRole('combobox', { name: 'Account status' }).selectOption('active');
    await page.getByRole('button', { name: 'Save' }).click();

    // Assess
    await page
      .getByRole('status')
      .getByText(/now Active/)
      .waitFor();
    expect((await world.account(`ben@${DOMAIN}`)).lock).toBeNull();
  });

  it('explains a stale version: someone else changed the account, its new state is shown, the choice kept', async () => {
    // Prepare: another administrator locks Ben behind this page's back.
    const before = await world.account(`ben@${DOMAIN}`);
    const elsewhere = await world.api(
      'PUT',
      `/accounts/${before.accountId}/status`,
      { status: 'locked', reason: 'by someone else' },
      { 'if-match': `"${before.version}"` },
    );
    expect(elsewhere.status).toBe(200);
    await page.getByRole('combobox', { name: 'Account status' }).selectOption('maintenance');

    // Act
    await page.getByRole('button', { name: 'Save' }).click();

    // Assess
    await page
      .getByRole('alert')
      .getByText(/Someone else changed this account/)
      .waitFor();
    await page
      .getByRole('definition')
      .getByText(/^Locked \(login blocked/)
      .waitFor();
    expect(await page.getByRole('combobox', { name: 'Account status' }).inputValue()).toBe('maintenance');
    expect((await world.account(`ben@${DOMAIN}`)).status).toBe('locked');
  });
});

describe('each capability', () => {
  it('marks a leaver with a leave date, and cancels the mark', async () => {
    // Prepare
    await openAccount(`carl@${DOMAIN}`);
    const leaveDate = new Date(Date.now() - 25 * 86_400_000).toISOString().slice(0, 10);

    // Act
    await page.getByLabel('Leave date').fill(leaveDate);
    await page.getByRole('button', { name: 'Mark as leaver' }).click();
    await page.getByText(`Leaves ${leaveDate}`).waitFor();
    const marked = await world.account(`carl@${DOMAIN}`);
    await page.getByRole('button', { name: 'Cancel leaver mark' }).click();
    await page.getByRole('button', { name: 'Mark as leaver' }).waitFor();

    // Assess
    expect(marked.statusLabel).toBe('Active (Leaver)');
    expect((await world.account(`carl@${DOMAIN}`)).leaver).toBeNull();
    // Marked again for Upcoming; the list says "(Leaver)".
    await page.getByLabel('Leave date').fill(leaveDate);
    await page.getByRole('button', { name: 'Mark as leaver' }).click();
    await page.getByText(`Leaves ${leaveDate}`).waitFor();
    await openList();
    expect(await row(`carl@${DOMAIN}`).getByRole('cell', { name: 'Active (Leaver)' }).count()).toBe(1);
  });

  it('deletes with confirmation, restores, and deletes permanently after the address is typed', async () => {
    // Prepare
    const email = `dora@${DOMAIN}`;
    await openAccount(email);

    // Act: delete (202, progress until done), restore, delete again.
    await page.getByRole('button', { name: 'Delete account' }).click();
    await page
      .getByRole('dialog', { name: 'Delete account' })
      .getByRole('button', { name: 'Yes, delete account' })
      .click();
    await page.getByRole('status').getByText('Done: the account is now Deleted.').waitFor();
    await page.getByRole('button', { name: 'Restore account' }).click();
    await page.getByRole('status').getByText('Done: the account is now Active.').waitFor();
    await page.getByRole('button', { name: 'Delete account' }).click();
    await page
      .getByRole('dialog', { name: 'Delete account' })
      .getByRole('button', { name: 'Yes, delete account' })
      .click();
    await page.getByRole('button', { name: 'Delete permanently' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete permanently' });
    const confirm = dialog.getByRole('button', { name: 'Yes, delete permanently' });
    const disabledBeforeTyping = await confirm.isDisabled();
    await noSeriousViolations();
    await dialog.getByRole('textbox', { name: 'Type the address to confirm' }).fill(email);
    await confirm.click();

    // Assess
    expect(disabledBeforeTyping).toBe(true);
    await page.getByRole('status').getByText('Done: the account is now Deleted Permanent.').waitFor();
    const history = await world.api('GET', `/accounts/${world.ids.get(email)}/history`);
    const tos = ((await history.json()) as { items: { to: string }[] }).items.map((e) => e.to);
    expect(tos.slice(0, 6)).toEqual(['deleted_permanent', 'deleting', 'deleted', 'deleting', 'active', 'restoring']);
  });

  it('shows an operation in progress with its attempts and last error; retry and cancel', async () => {
    // Prepare
    await openAccount(`flaky@${DOMAIN}`);
    const operation = page.getByRole('region', { name: 'Operation in progress' });
    await operation.waitFor();
    const before = (await world.account(`flaky@${DOMAIN}`)).inProgress as { attempts: number };
    await noSeriousViolations();

    // Act
    const facts = await operation.textContent();
    await operation.getByRole('button', { name: 'Retry now' }).click();
    await page
      .getByRole('status')
      .getByText(/Saved:/)
      .waitFor();
    await operation.getByRole('button', { name: 'Cancel operation' }).click();

    // Assess
    expect(facts).toMatch(new RegExp(`Attempts${before.attempts}`));
    expect(facts).toMatch(/Last error.*503/);
    await page
      .getByRole('status')
      .getByText('Saved: the account is now Pending. This takes effect immediately.')
      .waitFor();
    expect((await world.account(`flaky@${DOMAIN}`)).inProgress).toBeNull();
  });

  it('marks the stuck account as stuck in the summary, on the list and on its page', async () => {
    // Prepare: the stuck detector has paged on-call about it (the world ran it 30 hours ahead).
    await openList();
    const summary = page.getByText(/mailboxes · \d+ in progress · \d+ stuck/);

    // Act
    await page.getByRole('combobox', { name: 'Status filter' }).selectOption('inProgress');
    const stuckRow = row(world.stuckEmail);
    await stuckRow.waitFor();
    const markedRows = await page
      .getByRole('region', { name: 'Mailboxes' })
      .getByRole('row', { name: /Stuck/ })
      .count();
    const summaryText = await summary.textContent();

    // Assess
    expect(summaryText).toMatch(/ 1 stuck/);
    expect(markedRows).toBe(1);
    expect(await stuckRow.textContent()).toMatch(/Disabling → Disabled.*Stuck/);
    await stuckRow.getByRole('link', { name: 'Edit' }).click();
    await page.getByText(/^Stuck: this operation has been in progress longer than expected/).waitFor();
    await page.getByRole('combobox', { name: 'Domain' }).waitFor({ state: 'detached' });
  });

  it('searches by address or name prefix, filters by status with counts, and pages on', async () => {
    // Prepare
    await openList();
    const search = page.getByRole('searchbox', { name: 'Search' });
    const filter = page.getByRole('combobox', { name: 'Status filter' });

    // Act / Assess: search by a word of the name.
    await search.fill('baker');
    await row(`ben@${DOMAIN}`).waitFor();
    await row(`ann@${DOMAIN}`).waitFor({ state: 'detached' });
    await search.fill('');
    // The status filter, with the summary's counts.
    const pendingOption = (await filter.locator('option').allTextContents()).find((o) => o.startsWith('Pending'));
    expect(pendingOption).toMatch(/^Pending \((\d+)\)$/);
    await filter.selectOption('status:pending');
    await row(`zz-filler-00@${DOMAIN}`).waitFor();
    await row(`ann@${DOMAIN}`).waitFor({ state: 'detached' });
    // Paging: pages of at most 50 (a page may be short), together every pending account once.
    const total = Number(/\((\d+)\)/.exec(pendingOption!)![1]);
    const seen: string[] = [...(await listedEmails())];
    let pages = 1;
    while (await page.getByRole('button', { name: 'Next page' }).isEnabled()) {
      const before = (await listedEmails()).join();
      await page.getByRole('button', { name: 'Next page' }).click();
      pages += 1;
      await page.getByText(`Page ${pages}`).waitFor();
      await expect.poll(async () => (await listedEmails()).join()).not.toBe(before);
      seen.push(...(await listedEmails()));
    }
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.getByText(`Page ${pages - 1}`).waitFor();
    expect(pages).toBeGreaterThan(1);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(total);
    expect(total).toBe(FILLERS + 1);
  });

  it('applies a status to selected rows and shows each outcome', async () => {
    // Prepare
    await openList();
    await page.getByRole('checkbox', { name: `Select eve@${DOMAIN}` }).check();
    await page.getByRole('checkbox', { name: `Select fay@${DOMAIN}` }).check();
    await page.getByRole('checkbox', { name: `Select ben@${DOMAIN}` }).check();
    await page.getByRole('checkbox', { name: `Select ${world.stuckEmail}` }).check();

    // Act
    await page.getByRole('combobox', { name: 'Bulk status' }).selectOption('maintenance');
    await page.getByRole('button', { name: 'Apply to 4 selected' }).click();

    // Assess
    const outcomes = page.getByRole('table', { name: 'Bulk outcomes' });
    await outcomes.waitFor();
    expect(await outcomes.getByRole('row', { name: new RegExp(`eve@${DOMAIN}`) }).textContent()).toMatch(/Changed/);
    expect(await outcomes.getByRole('row', { name: new RegExp(`fay@${DOMAIN}`) }).textContent()).toMatch(/Changed/);
    // Ben is locked (the stale-version test): maintenance is allowed from locked too.
    expect(await outcomes.getByRole('row', { name: new RegExp(`ben@${DOMAIN}`) }).textContent()).toMatch(/Changed/);
    // The stuck account is in progress: refused, and the refusal says why.
    expect(await outcomes.getByRole('row', { name: new RegExp(world.stuckEmail) }).textContent()).toMatch(
      /Refused.*No status can be set while an operation is in progress/,
    );
    expect((await world.account(`eve@${DOMAIN}`)).status).toBe('maintenance');
    expect((await world.account(world.stuckEmail)).status).toBe('disabling');
    await noSeriousViolations();
  });

  it('shows Upcoming: what each sweep will change in the next 7 days', async () => {
    // Act
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Upcoming' }).click();
    await page.getByRole('heading', { level: 1, name: 'Upcoming' }).waitFor();

    // Assess
    const until = Date.parse(
      /until (.+)\.$/.exec((await page.getByText(/in the next 7 days, until /).textContent()) ?? '')?.[1] ?? '',
    );
    expect(Math.abs(until - (Date.now() + 7 * 86_400_000))).toBeLessThan(3_600_000);
    for (const name of ['Inactivity', 'Leavers', 'Retention', 'Lockout expiry'])
      await page.getByRole('heading', { level: 2, name }).waitFor();
    const leavers = page.getByRole('region', { name: 'Leavers' });
    await leavers.getByRole('row', { name: new RegExp(`carl@${DOMAIN}.*Deleted`) }).waitFor();
    await noSeriousViolations();
  });

  it('exports the filtered list as CSV with a progress bar', async () => {
    // Prepare: the export's pages are held back a little, so its progress bar can be seen.
    await openList();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/accounts\?.*limit=200/, async (route) => {
      await held;
      await route.continue();
    });
    const download = page.waitForEvent('download');

    // Act
    await page.getByRole('button', { name: 'Export CSV' }).click();
    await page.getByRole('progressbar', { name: 'Export progress' }).waitFor();
    const progressShown = await page.getByRole('progressbar', { name: 'Export progress' }).isVisible();
    release();
    const file = await (await download).path();
    await page.unroute(/\/accounts\?.*limit=200/);

    // Assess
    expect(progressShown).toBe(true);
    const lines = (await readFile(file, 'utf8')).trim().split('\r\n');
    expect(lines[0]).toMatch(/^accountId,email,displayName,status/);
    expect(lines.some((l) => l.includes(`"ann@${DOMAIN}"`))).toBe(true);
    const listed = (await (await world.api('GET', `/accounts?domain=${DOMAIN}&limit=200`)).json()) as {
      items: unknown[];
    };
    expect(lines.length - 1).toBe(listed.items.length);
    await page
      .getByRole('status')
      .getByText(/^Exported \d+ mailboxes/)
      .waitFor();
  });

  it('never broke its Content-Security-Policy, and signs out to the sign-in page', async () => {
    // Act
    await page.getByRole('button', { name: 'Sign out' }).click();

    // Assess
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('status').textContent()).toMatch(/^You are signed out\./);
    expect(new URL(page.url()).origin).toBe(new URL(world.url).origin);
    expect(await page.evaluate('sessionStorage.getItem("mailbox-lifecycle.session")')).toBeNull();
    await noSeriousViolations();
    expect(cspViolations).toEqual([]);
  });
});

describe('signing in with OpenID Connect (as in the cloud)', () => {
  it('uses Authorization Code with PKCE against the issuer config.json names, and keeps no code in the address', async () => {
    // Prepare: an issuer played by the browser's request routing. The page's CSP admits only its own origin
    // locally (in the cloud it adds the issuer's): this context bypasses it to reach the stand-in issuer.
    const issuer = 'https://id.example.test';
    const cors = { 'access-control-allow-origin': new URL(world.url).origin };
    const oidc = await browser.newContext({ bypassCSP: true });
    const tab = await oidc.newPage();
    let authorize: URL | undefined;
    let tokenRequest: URLSearchParams | undefined;
    const accessToken = await world.stack.token({ sub: 'carol', scope: 'accounts:read', domains: DOMAIN });
    const unsigned = (claims: object) =>
      ['{"alg":"none"}', JSON.stringify(claims)].map((p) => Buffer.from(p).toString('base64url')).join('.') + '.';
    await tab.route(`${world.url}config.json`, (route) =>
      route.fulfill({ json: { apiUrl: '', issuer, clientId: 'console-client', scope: 'openid accounts:read' } }),
    );
    await tab.route(`${issuer}/.well-known/openid-configuration`, (route) =>
      route.fulfill({
        headers: cors,
        json: {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          code_challenge_methods_supported: ['S256'],
        },
      }),
    );
    await tab.route(`${issuer}/authorize?*`, (route) => {
      authorize = new URL(route.request().url());
      const back = `${world.url}?code=the-code&state=${authorize.searchParams.get('state')}`;
      return route.fulfill({ status: 302, headers: { location: back } });
    });
    await tab.route(`${issuer}/token`, (route) => {
      tokenRequest = new URLSearchParams(route.request().postData() ?? '');
      const now = Math.floor(Date.now() / 1000);
      return route.fulfill({
        headers: cors,
        json: {
          access_token: accessToken,
          token_type: 'Bearer',
          expires_in: 3600,
          scope: 'openid accounts:read',
          id_token: unsigned({ iss: issuer, aud: 'console-client', sub: 'carol', iat: now, exp: now + 3600 }),
        },
      });
    });

    // Act
    await tab.goto(world.url);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.getByRole('heading', { level: 1, name: 'Mailboxes' }).waitFor();

    // Assess
    expect(authorize?.searchParams.get('response_type')).toBe('code');
    expect(authorize?.searchParams.get('client_id')).toBe('console-client');
    expect(authorize?.searchParams.get('redirect_uri')).toBe(world.url);
    expect(authorize?.searchParams.get('code_challenge_method')).toBe('S256');
    const verifier = tokenRequest?.get('code_verifier') ?? '';
    expect(tokenRequest?.get('grant_type')).toBe('authorization_code');
    expect(tokenRequest?.get('code')).toBe('the-code');
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(
      authorize?.searchParams.get('code_challenge'),
    );
    expect(tab.url()).toBe(world.url);
    expect(await tab.getByText('Signed in as carol').isVisible()).toBe(true);
    // A reader: the list shows, but no Block access.
    await tab.getByRole('row', { name: new RegExp(`gus@${DOMAIN.replace('.', '\\.')}`) }).waitFor();
    expect(await tab.getByRole('button', { name: 'Block access' }).count()).toBe(0);
    expect((await oidc.cookies()).length).toBe(0);
    await oidc.close();
  });
});
