import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ErrorBoundary, lazy, LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { createApi, storedToken, storeToken } from './api.ts';
import { AccountsPage } from './pages/accounts/accounts-page.tsx';
import { checkToken, SignIn, type Environment } from './shell/sign-in.tsx';
import { ShellHeader } from './shell/shell-header.tsx';
import { NotFoundPage } from './shell/not-found.tsx';
import { activeHref, NAV_ITEMS } from './shell/console-nav.tsx';
import './shell/shell.css';

// Loaded when first visited: the charts (Observable Plot and d3) are most of the bundle, and a
// person landing on Accounts need not wait for them.
const SpendPage = lazy(() => import('./pages/spend/spend-page.tsx').then((m) => m.SpendPage));
const ExplorerPage = lazy(() => import('./pages/explorer/explorer-page.tsx').then((m) => m.ExplorerPage));
const LogsPage = lazy(() => import('./pages/logs/logs-page.tsx').then((m) => m.LogsPage));

/** Not a secret: shown at once on reload while GET /environment confirms the token still works. */
const ENVIRONMENT_KEY = 'tessera.console.environment';

function storedEnvironmentName(): string | undefined {
  return sessionStorage.getItem(ENVIRONMENT_KEY) ?? undefined;
}

/**
 * The shell: sign-in gate, header and navigation, routes. Every route lives under /console/ (the
 * server answers index.html for any of them, so a deep link or a reload works). Pages render
 * their own <h1> inside <main>.
 */
export function App() {
  const [token, setToken] = useState(storedToken());
  const [environmentName, setEnvironmentName] = useState(storedEnvironmentName());
  const [signInMessage, setSignInMessage] = useState<string>();

  // The token GET /environment last accepted: signing in checks it once, not again after.
  const verified = useRef<string | undefined>(undefined);

  // Everything the tab kept goes, not only the token: pages may keep state (filters, a last
  // response) that belongs to this session.
  const signOut = (message?: string) => {
    storeToken(undefined);
    sessionStorage.clear();
    verified.current = undefined;
    setToken(undefined);
    setEnvironmentName(undefined);
    setSignInMessage(message);
  };

  const remember = (environment: Environment) => {
    sessionStorage.setItem(ENVIRONMENT_KEY, environment.name);
    setEnvironmentName(environment.name);
  };

  const api = useMemo(
    () =>
      createApi(
        () => token,
        (message) => signOut(message),
      ),
    [token],
  );

  // A stored token is checked again on load: it may have been revoked since.
  useEffect(() => {
    if (!token || verified.current === token) return;
    checkToken(token).then(
      (environment) => {
        verified.current = token;
        remember(environment);
      },
      (error: Error & { status?: number }) => error.status === 401 && signOut(error.message),
    );
  }, [token]);

  if (!token) {
    return (
      <SignIn
        message={signInMessage}
        onSignedIn={(value, environment) => {
          verified.current = value;
          storeToken(value);
          remember(environment);
          setSignInMessage(undefined);
          setToken(value);
        }}
      />
    );
  }
  return (
    <LocationProvider scope="/console">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <ShellHeader environmentName={environmentName} onSignOut={() => signOut()} />
      <Main>
        <Router>
          <Route path="/console" component={AccountsPage} api={api} />
          <Route path="/console/accounts" component={AccountsPage} api={api} />
          <Route path="/console/accounts/:id" component={AccountsPage} api={api} />
          <Route path="/console/spend" component={SpendPage} api={api} />
          <Route path="/console/explorer" component={ExplorerPage} api={api} />
          <Route path="/console/logs" component={LogsPage} api={api} />
          <Route default component={NotFoundPage} />
        </Router>
      </Main>
    </LocationProvider>
  );
}

/**
 * <main>, the skip link's target. After an in-app navigation focus moves here (as a page load
 * would reset it) and the title names the page; the first render leaves focus alone, so Tab
 * still starts at the skip link.
 */
function Main({ children }: { children: ComponentChildren }) {
  const { path } = useLocation();
  const ref = useRef<HTMLElement>(null);
  const first = useRef(true);
  const [failure, setFailure] = useState<{ path: string; error: Error }>();
  useEffect(() => {
    const label = NAV_ITEMS.find((item) => item.href === activeHref(path))?.label;
    document.title = label ? `${label} · Tessera console` : 'Tessera console';
    setFailure((f) => (f && f.path !== path ? undefined : f));
    if (first.current) first.current = false;
    else ref.current?.focus({ preventScroll: false });
  }, [path]);
  return (
    <main id="main" ref={ref} tabIndex={-1} class="console-main">
      {failure?.path === path ? (
        <div class="notice notice-error" role="alert">
          <p>This page stopped with an error: {failure.error.message}</p>
          <p>Reload to try again (after an upgrade of Tessera, a reload also fetches the new console).</p>
          <button type="button" onClick={() => location.reload()}>
            Reload
          </button>
        </div>
      ) : (
        // Also where lazy pages suspend while their chunk loads (preact-iso's boundary handles that).
        <ErrorBoundary onError={(error: Error) => setFailure({ path, error })}>{children}</ErrorBoundary>
      )}
    </main>
  );
}
