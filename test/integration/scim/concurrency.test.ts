/**
 * SCIM under many real concurrent requests against the local stack: one create wins, and racing wishes
 * never half-apply — every change is one version and one history entry, and the account comes to rest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { address, scimWorld, type ScimWorld } from './world';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('SCIM concurrency', () => {
  let w: ScimWorld;
  let token: string;

  beforeAll(async () => {
    w = await scimWorld();
    token = await w.token('okta-connection', ['example.org']);
  });
  afterAll(() => w.close());

  it('creates one account from 10 simultaneous POSTs of one userName; the others are 409 uniqueness', async () => {
    // Prepare
    const userName = address();

    // Act
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => w.scim('POST', '/Users', token, { schemas: [USER], userName })),
    );

    // Assess
    const statuses = answers.map((res) => res.status).sort();
    expect(statuses).toEqual([201, ...Array(9).fill(409)]);
    expect(answers.filter((res) => res.status === 409).every((res) => res.json.scimType === 'uniqueness')).toBe(true);
    const found = await w.scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`, token);
    expect(found.json.totalResults).toBe(1);
    const id = answers.find((res) => res.status === 201)?.json.id as string;
    expect((await w.history(id)).filter((e) => e.action === 'create')).toHaveLength(1);
  });

  it('applies 20 simultaneous PATCHes of active one at a time: one version and one history entry per change, then at rest', async () => {
    // Prepare
    const id = (await w.scim('POST', '/Users', token, { schemas: [USER], userName: address() })).json.id as string;
    await w.settled(id, (a) => a.status === 'active' && a.inProgress === null);

    // Act
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        w.scim('PATCH', `/Users/${id}`, token, {
          schemas: [PATCH_OP],
          Operations: [{ op: 'Replace', path: 'active', value: i % 2 === 0 ? 'False' : 'True' }],
        }),
      ),
    );

    // Assess: no 5xx; a request that lost every retry is a 409, never a half change.
    expect(answers.every((res) => res.status === 200 || res.status === 409)).toBe(true);
    expect(answers.filter((res) => res.status === 200).length).toBeGreaterThan(0);
    const rested = await w.settled(id, (a) => a.inProgress === null && (a.wanted ?? null) === null);
    const history = await w.history(id);
    expect(rested.version).toBe(history.length);
    expect(['active', 'disabled']).toContain(rested.status);
    const read = await w.scim('GET', `/Users/${id}`, token);
    expect(read.json.active).toBe(rested.status === 'active');
  });
});
