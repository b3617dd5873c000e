/**
 * The sign-in screen. Locally (config.json names the local issuer's endpoint): fields User, Scopes and
 * Domains and a Sign in button, a development convenience never deployed. In the cloud: one Sign in
 * button that goes to the OpenID Connect issuer (Authorization Code with PKCE).
 */
import { useState } from 'react';
import type { FormEvent } from 'react';
import type { ConsoleConfig } from '../config';
import { localSignIn, signedOut, startOidcSignIn } from '../auth/sign-in';

function SignIn({ config, onToken }: { config: ConsoleConfig; onToken: (token: string) => void }) {
  const [user, setUser] = useState('admin');
  const [scopes, setScopes] = useState('accounts:admin');
  const [domains, setDomains] = useState('*');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [wasSignedOut] = useState(signedOut);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (config.localSignIn) onToken(await localSignIn(config, { user, scopes, domains }));
      else await startOidcSignIn(config);
    } catch (failure) {
      setError((failure as Error).message);
      setBusy(false);
    }
  };

  return (
    <main className="sign-in">
      <h1>Mailbox Lifecycle</h1>
      {wasSignedOut && (
        <p role="status" className="notice">
          You are signed out. Close this tab, or sign in again.
        </p>
      )}
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h2 id="sign-in-title">Sign in</h2>
        {config.localSignIn ? (
          <>
            <p className="hint">Local stack: the local issuer signs a token with these claims.</p>
            <label>
              User
              <input
                name="user"
                value={user}
                onChange={(e) => setUser(e.target.value)}
                required
                autoComplete="username"
              />
            </label>
            <label>
              Scopes
              <input name="scopes" value={scopes} onChange={(e) => setScopes(e.target.value)} required />
            </label>
            <label>
              Domains
              <input name="domains" value={domains} onChange={(e) => setDomains(e.target.value)} required />
            </label>
          </>
        ) : (
          <p className="hint">You will be sent to your organisation&apos;s sign-in page.</p>
        )}
        {error && (
          <p role="alert" className="problem">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}

export { SignIn };
