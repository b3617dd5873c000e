/**
 * SCIM filters planned into key lookups (shared/scim/filter.ts): the filters Okta and Entra ID send become
 * alternatives of eq terms; anything else is 400 invalidFilter.
 */
import { describe, expect, it } from 'vitest';
import { ScimError } from '../../../shared/scim/errors';
import { planFilter } from '../../../shared/scim/filter';
import * as parser from '../../../shared/scim/libraries/filter-parser';

describe('planFilter', () => {
  it.each([
    ['userName eq "ann@example.org"', [[{ key: 'userName', value: 'ann@example.org' }]]],
    ['externalId eq "00u1"', [[{ key: 'externalId', value: '00u1' }]]],
    ['ID EQ "01J"', [[{ key: 'id', value: '01J' }]]],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a@b.org"', [[{ key: 'userName', value: 'a@b.org' }]]],
    [
      'userName eq "a@b.org" or externalId eq "x"',
      [[{ key: 'userName', value: 'a@b.org' }], [{ key: 'externalId', value: 'x' }]],
    ],
    [
      '(userName eq "a@b.org" or userName eq "c@b.org") and externalId eq "x"',
      [
        [
          { key: 'userName', value: 'a@b.org' },
          { key: 'externalId', value: 'x' },
        ],
        [
          { key: 'userName', value: 'c@b.org' },
          { key: 'externalId', value: 'x' },
        ],
      ],
    ],
  ])('plans %s', (filter, plan) => {
    expect(planFilter(filter, parser)).toEqual(plan);
  });

  it.each([
    'userName sw "a"',
    'userName pr',
    'not (userName eq "a")',
    'emails[type eq "work"]',
    'displayName eq "Ann"',
    'userName eq 5',
    'userName eq',
    '((',
    Array.from({ length: 21 }, (_, i) => `userName eq "u${i}@b.org"`).join(' or '),
  ])('refuses %s with 400 invalidFilter', (filter) => {
    let error: unknown;
    try {
      planFilter(filter, parser);
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ScimError);
    expect(error).toMatchObject({ status: 400, scimType: 'invalidFilter' });
  });
});
