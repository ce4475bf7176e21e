import { useState } from 'preact/hooks';
import { ApiError, createApi } from '../api.ts';

export interface Environment {
  id: string;
  name: string;
}

interface SignInProps {
  /** Why the person is here again (the server's message for a 401 of a stored token). */
  message?: string;
  onSignedIn(token: string, environment: Environment): void;
}

/**
 * Checks the token with GET /environment before anything keeps it: a wrong token is never
 * stored, and the person sees the API's own message (unknown, revoked, an account token…).
 */
export async function checkToken(token: string): Promise<Environment> {
  const api = createApi(
    () => token,
    () => undefined,
  );
  const page = await api.get<{ result: Environment[] }>('/environment');
  const environment = page.result[0];
  if (!environment) throw new Error('This token sees no environment');
  return environment;
}

export function SignIn({ message, onSignedIn }: SignInProps) {
  const [error, setError] = useState<string | undefined>(message);
  const [busy, setBusy] = useState(false);
  return (
    <main id="main" class="sign-in" tabIndex={-1}>
      <div class="sign-in-card">
        <p class="brand">Tessera console</p>
        <h1>Sign in</h1>
        <p class="sign-in-help">
          Use an API token of your environment. In the sandbox it is <code>token</code> in <code>data/sandbox.json</code>. It is kept in this tab only (session
          storage) and sent only in the Authorization header.
        </p>
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            const token = String(new FormData(e.currentTarget).get('token') ?? '').trim();
            if (!token) return setError('Enter an API token');
            setBusy(true);
            setError(undefined);
            try {
              onSignedIn(token, await checkToken(token));
            } catch (err) {
              setError(err instanceof ApiError ? err.message : `Could not reach Tessera: ${(err as Error).message}`);
              setBusy(false);
            }
          }}
        >
          <div class="field">
            <label for="api-token" class="field-label">
              API token
            </label>
            <input id="api-token" name="token" type="password" autocomplete="off" spellcheck={false} required aria-describedby="sign-in-error" />
          </div>
          <p id="sign-in-error" class="notice notice-error" role="alert" hidden={!error}>
            {error}
          </p>
          <button type="submit" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </div>
    </main>
  );
}
