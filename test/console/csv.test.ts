import { describe, expect, it } from 'vitest';
import { toCsv } from '../../console/src/csv';
import { account } from './fixtures';

describe('toCsv', () => {
  it('quotes every field, doubles quotes and defuses spreadsheet formulas', () => {
    // Prepare
    const rows = [
      account({ displayName: 'Ann "The" Example' }),
      account({ email: 'bob@example.org', displayName: '=HYPERLINK("http://x")' }),
    ];

    // Act
    const lines = toCsv(rows).split('\r\n');

    // Assess
    expect(lines[0]).toMatch(/^accountId,email,displayName,status/);
    expect(lines[1]).toContain('"Ann ""The"" Example"');
    expect(lines[2]).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
  });
});
