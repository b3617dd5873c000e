/**
 * Renders a console screen the way App does (query client, console context, hash router) around an API
 * client whose fetch answers from `routes`, recording every request it was sent.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { Router } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import { apiClient } from '../../console/src/api/client';
import { ConsoleProvider } from '../../console/src/app/context';
import type { Session } from '../../console/src/auth/session';
import { MODEL } from './fixtures';

type Handler = (request: Request) => Response | Promise<Response>;

const json = (status: number, body: unknown, type = 'application/json'): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

function renderScreen(screen: ReactNode, session: Session, routes: Record<string, Handler>) {
  const requests: Request[] = [];
  const fetchStub = async (input: Request): Promise<Response> => {
    requests.push(input.clone());
    const url = new URL(input.url);
    const key = `${input.method} ${url.pathname}`;
    const handler = routes[key];
    return handler ? handler(input) : json(404, { message: 'Not Found' });
  };
  // openapi-fetch takes the global fetch when the client is made.
  globalThis.fetch = fetchStub as typeof fetch;
  const api = apiClient(
    'http://console.test',
    () => session.token,
    () => undefined,
  );
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: 0 } } });
  const { hook } = memoryLocation({ path: '/' });
  const view = render(
    <QueryClientProvider client={client}>
      <ConsoleProvider value={{ api, session, model: MODEL, signOut: () => undefined }}>
        <Router hook={hook}>{screen}</Router>
      </ConsoleProvider>
    </QueryClientProvider>,
  );
  return { ...view, requests };
}

export { renderScreen, json };
