/**
 * Reading what an identity provider's User body asks for, and the User given back (shared/scim/user.ts,
 * shared/scim/patch.ts): lenient where Okta and Entra ID are, strict on what no User schema has.
 */
import { describe, expect, it } from 'vitest';
import type { Account } from '../../../shared/domain/account';
import { PATCH_OP } from '../../../shared/scim/documents';
import { patchedUser } from '../../../shared/scim/patch';
import * as patcher from '../../../shared/scim/libraries/scim-patch';
import { desiredUser, toScimUser } from '../../../shared/scim/user';
import { anAccount, inProgressIn, NOW } from '../domain/fixtures';

const refusal = (act: () => unknown) => {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
};

describe('desiredUser', () => {
  it('keeps userName (canonical), active, displayName, name and externalId; ignores what it does not keep', () => {
    const desired = desiredUser({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      UserName: ' Ann@Example.ORG ',
      active: 'False',
      displayName: 'Ann',
      name: { givenName: 'Ann', familyName: 'Example', middleName: 'X' },
      externalId: 'e-1',
      password: 'secret',
      phoneNumbers: [{ value: '1' }],
      emails: [{ value: 'other@example.org' }],
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { manager: 'boss' },
      meta: { resourceType: 'User' },
    });

    expect(desired).toEqual({
      userName: 'ann@example.org',
      active: false,
      displayName: 'Ann',
      name: { givenName: 'Ann', familyName: 'Example', formatted: null },
      externalId: 'e-1',
    });
  });

  it.each([
    [{ userName: 'a@b.org', fooBar: 1 }, 'invalidValue'],
    [{ userName: 'not an address' }, 'invalidValue'],
    [{ active: true }, 'invalidValue'],
    [{ userName: 'a@b.org', active: 'yes' }, 'invalidValue'],
    [{ userName: 'a@b.org', externalId: 7 }, 'invalidValue'],
    [{ userName: 'a@b.org', name: 'Ann' }, 'invalidValue'],
    [{ userName: 'a@b.org', displayName: '\u0007' }, 'invalidValue'],
    ['a@b.org', 'invalidSyntax'],
  ])('refuses %j with 400 %s', (body, scimType) => {
    expect(refusal(() => desiredUser(body))).toMatchObject({ status: 400, scimType });
  });
});

describe('toScimUser', () => {
  it('reads active as where the account is headed, a kept wish included', () => {
    const provisioning = inProgressIn('pending', 'provision', 'pending', 'active');
    const wantedDisabled: Account = {
      ...provisioning,
      wanted: { status: 'disabled', actor: 'okta', requestId: null, at: NOW.toISOString() },
    };

    expect(toScimUser(provisioning, 'https://x/scim/v2').active).toBe(true);
    expect(toScimUser(wantedDisabled, 'https://x/scim/v2').active).toBe(false);
    expect(toScimUser(anAccount({ status: 'disabled' }), 'https://x/scim/v2').active).toBe(false);
    expect(toScimUser(anAccount({ status: 'locked' }), 'https://x/scim/v2').active).toBe(true);
  });

  it('gives the address as the work email and the version as meta.version', () => {
    const user = toScimUser(anAccount({ version: 7 }), 'https://api.example/scim/v2');

    expect(user.emails).toEqual([{ value: 'jo@example.org', type: 'work', primary: true }]);
    expect(user.meta).toMatchObject({ version: '"7"', location: `https://api.example/scim/v2/Users/${user.id}` });
  });
});

describe('patchedUser', () => {
  const user = toScimUser(
    anAccount({ externalId: 'e-1', name: { givenName: 'Jo', familyName: 'B', formatted: null } }),
    'https://x',
  );
  const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

  it("reads Entra's capitalised Replace with a string boolean", () => {
    expect(patchedUser(user, patch({ op: 'Replace', path: 'active', value: 'False' }), patcher)).toMatchObject({
      active: false,
    });
  });

  it("reads Okta's path-less replace", () => {
    expect(patchedUser(user, patch({ op: 'replace', value: { active: false } }), patcher)).toMatchObject({
      active: false,
    });
  });

  it('clears what a remove takes away and keeps the rest', () => {
    const desired = patchedUser(
      user,
      patch({ op: 'remove', path: 'externalId' }, { op: 'add', path: 'name.familyName', value: 'C' }),
      patcher,
    );

    expect(desired).toEqual({
      userName: 'jo@example.org',
      active: true,
      displayName: 'Jo Bloggs',
      name: { givenName: 'Jo', familyName: 'C', formatted: null },
      externalId: null,
    });
  });

  it.each([
    [patch({ op: 'replace', path: 'userName', value: 'x@example.org' }), 'mutability'],
    [patch({ op: 'replace', path: 'fooBar', value: 1 }), 'invalidPath'],
    [patch({ op: 'remove' }), 'noTarget'],
    [{ Operations: [] }, 'invalidSyntax'],
    [patch({ op: 'move', path: 'active' }), 'invalidSyntax'],
  ])('refuses %j with 400 %s', (body, scimType) => {
    expect(refusal(() => patchedUser(user, body, patcher))).toMatchObject({ status: 400, scimType });
  });
});
