/**
 * The administrator routes of SPEC §4 that the service's OpenAPI document does not list yet (domains,
 * summary, sweep previews), typed from the SPEC's contract in openapi-typescript's shape. When the
 * document lists them, schema.ts has them and this file goes.
 */
import type { components } from './schema';

type Status = components['schemas']['Status'];
type Json<T> = { content: { 'application/json': T } };
type ProblemResponse = { content: { 'application/problem+json': components['schemas']['Problem'] } };

interface DomainSummary {
  domain: string;
  accounts: number;
  byStatus: Partial<Record<Status, number>>;
  leavers: number;
  inProgress: number;
  stuck: number;
}

interface PreviewItem {
  accountId: string;
  email: string | null;
  displayName: string | null;
  status: Status;
  dueAt: string;
  to: Status;
}

type Sweep = 'inactivity' | 'leaver' | 'retention' | 'lockout';

interface AdminPaths {
  '/domains': {
    get: {
      parameters: { query?: never; header?: never; path?: never; cookie?: never };
      responses: { 200: Json<{ items: { domain: string; accounts: number }[] }>; 403: ProblemResponse };
    };
  };
  '/domains/{domain}/summary': {
    get: {
      parameters: { query?: never; header?: never; path: { domain: string }; cookie?: never };
      responses: { 200: Json<DomainSummary>; 400: ProblemResponse; 403: ProblemResponse };
    };
  };
  '/sweeps/{sweep}/preview': {
    get: {
      parameters: {
        query?: { domain?: string; until?: string; limit?: string; cursor?: string };
        header?: never;
        path: { sweep: Sweep };
        cookie?: never;
      };
      responses: {
        200: Json<{ items: PreviewItem[]; nextCursor: string | null }>;
        400: ProblemResponse;
        403: ProblemResponse;
      };
    };
  };
}

export type { AdminPaths, DomainSummary, PreviewItem, Sweep };
