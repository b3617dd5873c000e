/**
 * The accounts API (SPEC §4): create, read, list, rename, status (with If-Match and Idempotency-Key),
 * bulk status, leavers, delete, retry, cancel, history. One store and client per process.
 */
import { loadConfig } from '../../shared/config';
import { accountEndpoints } from '../../shared/http/endpoints/accounts';
import { httpFunction } from '../../shared/http/http-function';
import { idempotency } from '../../shared/idempotency/middleware';
import { idempotencyRecords } from '../../shared/idempotency/records';
import { serviceDeps } from '../../shared/services/runtime';
import { documentClient } from '../../shared/store/client';

const config = loadConfig();
const records = idempotencyRecords(documentClient(config), config.tableName);
const deps = serviceDeps(config);

export const handler = httpFunction('accounts', accountEndpoints(deps), {
  afterScopeCheck: {
    setStatus: [
      idempotency({
        records,
        ttlSeconds: config.idempotencyTtlSeconds,
        personalData: async (accountId) => deps.store.get(accountId),
      }),
    ],
  },
});
