/** Sign in with an API token (the first admin token) or a username and password. */
import { useState } from 'preact/hooks';
import { api } from '../api/api-client.js';
import { describeError } from '../api/api-error.js';
import { session } from '../state/session-state.js';

type Method = 'token' | 'password';

export function SignInView() {
  const [method, setMethod] = useState<Method>('password');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [token, setToken] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      session.set(await api.signIn(method === 'token' ? { token: token.trim() } : { username: username.trim(), password }));
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <form class="sign-in-panel" onSubmit={submit} aria-labelledby="sign-in-title">
        <div class="brand brand-large">Tally</div>
        <h1 id="sign-in-title">Sign in</h1>
        <div class="segmented" role="radiogroup" aria-label="Sign in with">
          {(['password', 'token'] as const).map((value) => (
            <label key={value} class={method === value ? 'on' : ''}>
              <input type="radio" name="method" value={value} checked={method === value} onChange={() => setMethod(value)} />
              {value === 'password' ? 'With password' : 'With API token'}
            </label>
          ))}
        </div>
        {method === 'password' ? (
          <>
            <label class="field">
              <span class="field-label">Username</span>
              <input name="username" autocomplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
            </label>
            <label class="field">
              <span class="field-label">Password</span>
              <input
                name="password"
                type="password"
                autocomplete="current-password"
                required
                value={password}
                onInput={(e) => setPassword(e.currentTarget.value)}
              />
            </label>
          </>
        ) : (
          <label class="field">
            <span class="field-label">API token</span>
            <input name="token" type="password" autocomplete="off" required value={token} onInput={(e) => setToken(e.currentTarget.value)} />
            <span class="field-help">The admin token Tally printed at start, or a token made for your user.</span>
          </label>
        )}
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="button-primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
