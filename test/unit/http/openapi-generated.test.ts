/**
 * The OpenAPI document the public function serves is generated at build time (shared/http/openapi-json.ts):
 * the committed module must be what the generator writes from today's routes and schemas.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED, generatedOpenApiModule } from '../../../shared/http/openapi-json';
import { openApiDocument } from '../../../shared/http/openapi';
import { OPENAPI_JSON } from '../../../shared/http/generated/openapi';

describe('the generated OpenAPI module', () => {
  it('is up to date (else run npm run generate:openapi)', () => {
    // Prepare
    const expected = generatedOpenApiModule();
    // Act
    const committed = readFileSync(GENERATED, 'utf8');
    // Assess
    expect(committed).toBe(expected);
  });

  it('holds the document openApiDocument() builds', () => {
    expect(JSON.parse(OPENAPI_JSON)).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });
});
