/**
 * Starts the console: reads config.json, completes an OpenID Connect redirect if this page load is one,
 * and renders the app.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { completeOidcSignIn, isOidcCallback } from './auth/sign-in';
import { loadConfig } from './config';
import './styles.css';

async function start(): Promise<void> {
  const root = createRoot(document.getElementById('root')!);
  try {
    const config = await loadConfig();
    const token = isOidcCallback() ? await completeOidcSignIn(config) : null;
    root.render(
      <StrictMode>
        <App config={config} initialToken={token} />
      </StrictMode>,
    );
  } catch (error) {
    root.render(
      <main>
        <h1>Mailbox Lifecycle</h1>
        <p role="alert">The console could not start: {(error as Error).message}</p>
        <p>
          <a href="/">Try again</a>
        </p>
      </main>,
    );
  }
}

void start();
