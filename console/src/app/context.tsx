/**
 * What every screen needs: the session, the API client, the status model, and the chosen domain (kept
 * in this tab's sessionStorage so the list returns to it).
 */
import { createContext, useCallback, useContext, useState } from 'react';
import type { ReactNode } from 'react';
import type { Api } from '../api/client';
import type { Session } from '../auth/session';
import type { StatusModel } from '../model';

interface ConsoleContext {
  readonly session: Session;
  readonly api: Api;
  readonly model: StatusModel;
  readonly signOut: () => void;
}

const Context = createContext<ConsoleContext | null>(null);

function ConsoleProvider({ value, children }: { value: ConsoleContext; children: ReactNode }) {
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

function useConsole(): ConsoleContext {
  const value = useContext(Context);
  if (value === null) throw new Error('useConsole outside ConsoleProvider');
  return value;
}

const DOMAIN_KEY = 'mailbox-lifecycle.domain';

/** The domain picked in the Domain control, shared by the list, Upcoming and the export. */
function useDomain(): [string | null, (domain: string) => void] {
  const [domain, setDomainState] = useState<string | null>(() => sessionStorage.getItem(DOMAIN_KEY));
  const setDomain = useCallback((next: string) => {
    sessionStorage.setItem(DOMAIN_KEY, next);
    setDomainState(next);
  }, []);
  return [domain, setDomain];
}

export { ConsoleProvider, useConsole, useDomain };
export type { ConsoleContext };
