/**
 * SPEC §4's canonical addresses through the real local server: inputs that canonicalize alike are one
 * address (409 on create, found by /access in any form); control, bidi and invisible characters, empty
 * labels and IP domains are refused with 400 naming the field, and change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerApi } from '../../helpers/api';
import { admin, platform } from '../../helpers/tokens';
import { world, type World } from './fixtures';

let w: World<ServerApi>;
beforeAll(async () => {
  w = await world();
});
afterAll(() => w.close());

const create = (email: string, displayName?: string) =>
  w.api.request({
    method: 'POST',
    path: '/accounts',
    claims: admin('*'),
    body: { email, activate: false, ...(displayName === undefined ? {} : { displayName }) },
  });

describe('canonical addresses', () => {
  it('josé written precomposed and decomposed, in any case, is one account', async () => {
    const first = await create('jos\u00e9@addr.example');
    const decomposed = await create('JOSE\u0301@ADDR.EXAMPLE');

    expect(first.status).toBe(201);
    expect(first.json.email).toBe('jos\u00e9@addr.example');
    expect(decomposed.status).toBe(409);
    const found = await w.api.request({
      method: 'GET',
      path: '/access',
      query: { email: 'jose\u0301@Addr.Example' },
      claims: platform(),
    });
    expect(found.status).toBe(200);
    expect(found.json.accountId).toBe(first.json.accountId);
  });

  it('an internationalized domain is stored in its ASCII form and found in either', async () => {
    const created = await create('ann@b\u00fccher.example');
    const again = await create('ann@xn--bcher-kva.example');

    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ email: 'ann@xn--bcher-kva.example', domain: 'xn--bcher-kva.example' });
    expect(again.status).toBe(409);
    const found = await w.api.request({
      method: 'GET',
      path: '/access',
      query: { email: 'Ann@B\u00dcCHER.example' },
      claims: platform(),
    });
    expect(found.json.accountId).toBe(created.json.accountId);
  });

  it.each([
    ['NUL', 'a\u0000b@refused.example'],
    ['ESC', 'a\u001bb@refused.example'],
    ['DEL', 'a\u007fb@refused.example'],
    ['U+0085', 'a\u0085b@refused.example'],
    ['U+202E RLO', 'moc.elpmaxe\u202e@refused.example'],
    ['U+200B', 'a\u200bb@refused.example'],
    ['an empty label', 'a..b@refused.example'],
    ['an IP domain', 'a@10.0.0.1'],
  ])('an address with %s: 400 at /email, nothing created, and /access refuses it too', async (_name, address) => {
    const res = await create(address);
    const access = await w.api.request({
      method: 'GET',
      path: '/access',
      query: { email: address },
      claims: platform(),
    });

    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([{ path: '/email', message: expect.any(String) }]);
    expect(access.status).toBe(400);
    expect(access.json.errors).toEqual([{ path: 'query.email', message: expect.any(String) }]);
    const listed = await w.api.request({
      method: 'GET',
      path: '/accounts',
      query: { domain: 'refused.example' },
      claims: admin('*'),
    });
    expect(listed.json.items).toEqual([]);
  });

  it.each([
    ['a bidi override', 'Ann\u202eredli'],
    ['only a zero-width space', '\u200b'],
    ['a control character', 'Ann\u0007'],
  ])('a display name with %s: 400 at /displayName', async (_name, displayName) => {
    const res = await create('named@names.example', displayName);
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([{ path: '/displayName', message: expect.any(String) }]);
  });

  it('a display name is stored NFC and an emoji sequence with its joiner is fine', async () => {
    const res = await create('emoji@names.example', ' Jose\u0301 \u{1F469}\u200d\u{1F4BB} ');
    expect(res.status).toBe(201);
    expect(res.json.displayName).toBe('Jos\u00e9 \u{1F469}\u200d\u{1F4BB}');
  });
});
