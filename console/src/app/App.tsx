/**
 * The console: sign-in until there is a session, then the screens (Mailboxes, an account, Upcoming)
 * under one header, routed by the address's hash (so the static hosting needs no rewrite rules).
 */
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { Link, Route, Router, Switch } from 'wouter';
import { useHashLocation } from 'wouter/use-hash-location';
import { apiClient, unwrap } from '../api/client';
import type { Api } from '../api/client';
import { clearSession, storeSession, storedSession } from '../auth/session';
import { clearSignedOut, endOidcSession, markSignedOut } from '../auth/sign-in';
import type { Session } from '../auth/session';
import type { ConsoleConfig } from '../config';
import type { StatusModel } from '../model';
import { AccountPage } from './AccountPage';
import { ConsoleProvider } from './context';
import { Mailboxes } from './Mailboxes';
import { SignIn } from './SignIn';
import { Upcoming } from './Upcoming';

function newQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: 1, refetchOnWindowFocus: true, staleTime: 5_000 },
      // A write is never repeated behind the administrator's back.
      mutations: { retry: 0 },
    },
  });
}

function Shell({ api, session, signOut }: { api: Api; session: Session; signOut: () => void }) {
  const model = useQuery({
    queryKey: ['status-model'],
    queryFn: () => unwrap(api.GET('/status-model')) as unknown as Promise<StatusModel>,
    staleTime: Infinity,
  });
  if (model.error) return <p role="alert">The status model could not be loaded: {String(model.error)}</p>;
  if (!model.data) return <p role="status">Loading…</p>;
  return (
    <ConsoleProvider value={{ api, session, model: model.data, signOut }}>
      <Router hook={useHashLocation}>
        <header className="top">
          <span className="brand">Mailbox Lifecycle</span>
          <nav aria-label="Main">
            <Link href="/">Mailboxes</Link>
            <Link href="/upcoming">Upcoming</Link>
          </nav>
          <span className="who">
            Signed in as {session.sub}
            <button type="button" onClick={signOut}>
              Sign out
            </button>
          </span>
        </header>
        <main>
          <Switch>
            <Route path="/">
              <Mailboxes />
            </Route>
            <Route path="/upcoming">
              <Upcoming />
            </Route>
            <Route path="/accounts/:accountId">{(params) => <AccountPage accountId={params.accountId} />}</Route>
            <Route>
              <p>
                Nothing here. <Link href="/">Back to mailboxes</Link>
              </p>
            </Route>
          </Switch>
        </main>
      </Router>
    </ConsoleProvider>
  );
}

function App({ config, initialToken }: { config: ConsoleConfig; initialToken?: string | null }) {
  const [session, setSession] = useState<Session | null>(() => {
    if (!initialToken) return storedSession();
    clearSignedOut();
    return storeSession(initialToken);
  });
  const [queryClient] = useState(newQueryClient);
  const [leaving, setLeaving] = useState(false);
  /** The tab forgets the session (a 401 does this: the token expired or was refused). */
  const endSession = useCallback(() => {
    clearSession();
    queryClient.clear();
    setSession(null);
  }, [queryClient]);
  /** Sign out: the tab forgets the session and, in the cloud, the identity provider ends its own. */
  const signOut = useCallback(() => {
    markSignedOut();
    endSession();
    if (config.localSignIn) return;
    setLeaving(true);
    // If the issuer cannot be reached, the tab is signed out all the same.
    endOidcSession(config).catch(() => setLeaving(false));
  }, [config, endSession]);
  const api = useMemo(
    () => apiClient(config.apiUrl, () => session?.token ?? null, endSession),
    [config.apiUrl, session, endSession],
  );
  if (leaving) return <p role="status">Signing out…</p>;
  if (session === null)
    return (
      <SignIn
        config={config}
        onToken={(token) => {
          clearSignedOut();
          setSession(storeSession(token));
        }}
      />
    );
  return (
    <QueryClientProvider client={queryClient}>
      <Shell api={api} session={session} signOut={signOut} />
    </QueryClientProvider>
  );
}

export { App };
