import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { ACCOUNT_INPUTS } from '../../../shared/http/schemas/accounts';
import { parseIfMatch } from '../../../shared/http/schemas/common';
import { schemaInput } from '../../../shared/http/schema-input';

const raw = (parts: Partial<{ params: object; query: object; headers: object; body: unknown }>) =>
  ({ params: {}, query: {}, headers: {}, body: undefined, ...parts }) as never;

describe('schemaInput', () => {
  const parse = schemaInput({
    params: v.strictObject({ id: v.pipe(v.string(), v.minLength(2)) }),
    query: v.strictObject({ q: v.optional(v.string()) }),
    headers: v.strictObject({ 'if-match': v.optional(v.pipe(v.string(), v.regex(/^"\d+"$/))) }),
    body: v.strictObject({ a: v.strictObject({ 'b/c~d': v.number() }) }),
  });

  it('parses every part, reading only the headers it names', () => {
    expect(
      parse(
        raw({
          params: { id: 'ab' },
          query: { q: 'x' },
          headers: { 'if-match': '"1"', host: 'h' },
          body: { a: { 'b/c~d': 1 } },
        }),
      ),
    ).toEqual({
      ok: true,
      value: { params: { id: 'ab' }, query: { q: 'x' }, headers: { 'if-match': '"1"' }, body: { a: { 'b/c~d': 1 } } },
    });
  });

  it('reports each issue at its SPEC path: path.<name>, query.<name>, header.<name>, JSON Pointer (escaped)', () => {
    const result = parse(
      raw({
        params: { id: 'a' },
        query: { q: 'x', extra: '1' },
        headers: { 'if-match': '1' },
        body: { a: { 'b/c~d': 'x' }, z: 1 },
      }),
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((e) => e.path)).toEqual([
      'path.id',
      'query.extra',
      'header.if-match',
      '/a/b~1c~0d',
      '/z',
    ]);
  });

  it('refuses a body on a route without one, and a query on a route without one', () => {
    const none = schemaInput({});
    const result = none(raw({ query: { a: '1' }, body: {} }));
    expect(!result.ok && result.errors).toEqual([
      { path: 'query.a', message: 'is not a known field' },
      { path: '/', message: 'this request takes no body' },
    ]);
  });

  it('refuses an array where the body is an object, even an empty one (never read as {})', () => {
    const result = schemaInput(ACCOUNT_INPUTS.markLeaver)(
      raw({ params: { accountId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }, body: [] }),
    );
    expect(!result.ok && result.errors).toEqual([{ path: '/', message: 'must be a JSON object' }]);
  });

  it('names every missing field and the first unknown one, at its own path', () => {
    const result = schemaInput(ACCOUNT_INPUTS.bulkSetStatus)(raw({ body: { stauts: 'locked' } }));
    expect(!result.ok && result.errors).toEqual([
      { path: '/accountIds', message: 'is required' },
      { path: '/status', message: 'is required' },
      { path: '/stauts', message: 'is not a known field' },
    ]);
  });

  it('says "is required" for a missing field', () => {
    const result = schemaInput(ACCOUNT_INPUTS.listAccounts)(raw({ query: {} }));
    expect(!result.ok && result.errors).toEqual([{ path: 'query.domain', message: 'is required' }]);
  });
});

describe('account schemas', () => {
  it('normalizes the email of a new account and upper-cases ULIDs', () => {
    const created = schemaInput(ACCOUNT_INPUTS.createAccount)(raw({ body: { email: '  Ann@Example.ORG ' } }));
    expect(created.ok && created.value.body).toEqual({ email: 'ann@example.org' });
    const got = schemaInput(ACCOUNT_INPUTS.getAccount)(raw({ params: { accountId: '01arz3ndektsv4rrffq69g5fav' } }));
    expect(got.ok && got.value.params.accountId).toBe('01ARZ3NDEKTSV4RRFFQ69G5FAV');
  });

  it.each([
    ['"7"', [7]],
    ['"0", "13"', [0, 13]],
    ['"0","13" , ', [0, 13]],
    ['W/"13"', []],
    ['"a,b", "4"', [4]],
    ['"abc"', []],
    ['*', undefined],
    ['13', null],
    ['"13', null],
    ['', null],
    [' , ', null],
    ['"1" "2"', null],
  ])('parseIfMatch(%j) is %j (RFC 9110: a list of entity tags, strong comparison)', (value, expected) => {
    expect(parseIfMatch(value)).toEqual(expected);
  });

  it('parses If-Match to the versions it accepts (and * to none)', () => {
    const parse = schemaInput(ACCOUNT_INPUTS.setStatus);
    const input = (ifMatch: string) =>
      raw({
        params: { accountId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' },
        headers: { 'if-match': ifMatch },
        body: { status: 'locked' },
      });
    const versioned = parse(input('"7"'));
    const any = parse(input('*'));
    expect(versioned.ok && versioned.value.headers['if-match']).toEqual([7]);
    expect(any.ok && any.value.headers['if-match']).toBeUndefined();
  });

  it('parses the listing query: statuses, booleans, limit', () => {
    const parsed = schemaInput(ACCOUNT_INPUTS.listAccounts)(
      raw({ query: { domain: 'A.org', status: 'active,locked', leaver: 'false', limit: '200' } }),
    );
    expect(parsed.ok && parsed.value.query).toEqual({
      domain: 'a.org',
      status: ['active', 'locked'],
      leaver: false,
      limit: 200,
    });
  });

  it.each([['0'], ['201'], ['-1'], ['01'], ['1.5'], ['']])('refuses limit %j', (limit) => {
    const parsed = schemaInput(ACCOUNT_INPUTS.listHistory)(
      raw({ params: { accountId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }, query: { limit } }),
    );
    expect(!parsed.ok && parsed.errors.map((e) => e.path)).toEqual(['query.limit']);
  });

  it('refuses repeated account ids in a bulk request, whatever their case', () => {
    const id = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
    const parsed = schemaInput(ACCOUNT_INPUTS.bulkSetStatus)(
      raw({ body: { accountIds: [id, id.toLowerCase()], status: 'locked' } }),
    );
    expect(!parsed.ok && parsed.errors).toEqual([{ path: '/accountIds', message: 'must not repeat an account id' }]);
  });
});
