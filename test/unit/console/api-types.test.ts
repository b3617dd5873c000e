import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { SCHEMA_FILE, apiTypesSource } from '../../../console/scripts/api-types';

describe('console API types', () => {
  it('are what openapi-typescript makes of the current OpenAPI document (run npm run console:api)', async () => {
    // Prepare
    const committed = await readFile(SCHEMA_FILE, 'utf8');

    // Act
    const current = await apiTypesSource();

    // Assess
    expect(committed).toBe(current);
  }, 30_000);
});
