/** Who the console acts as: a dev token (dev mode's demo accounts) kept for this tab, or the
 * server's browser session (cookie set by `/auth/callback`) with its CSRF token. */
export type Session = { token: string } | { csrf: string };

export type ConsoleConfig = {
  devMode: boolean;
  signInUrl: string | null;
  logoutUrl: string | null;
};

export type DevAccount = {
  tenant: string;
  tenantName: string;
  username: string;
  displayName: string;
};

const TOKEN_KEY = "officecloud.token";
const CSRF_COOKIE = "oc_csrf";

export function currentSession(): Session | null {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) return { token };
  const csrf = document.cookie
    .split("; ")
    .find((c) => c.startsWith(`${CSRF_COOKIE}=`))
    ?.slice(CSRF_COOKIE.length + 1);
  return csrf ? { csrf: decodeURIComponent(csrf) } : null;
}

export function authHeaders(session: Session | null): Record<string, string> {
  if (!session) return {};
  return "token" in session
    ? { Authorization: `Bearer ${session.token}` }
    : { "X-CSRF-Token": session.csrf };
}

export function socketParams(session: Session | null): Record<string, string> {
  if (!session) return {};
  return "token" in session ? { authorization: `Bearer ${session.token}` } : { csrfToken: session.csrf };
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch("/auth/console");
  if (!response.ok) return { devMode: false, signInUrl: null, logoutUrl: null };
  return response.json();
}

export async function devAccounts(): Promise<DevAccount[]> {
  const response = await fetch("/auth/dev/accounts");
  return response.ok ? response.json() : [];
}

export async function signInAs(account: DevAccount): Promise<void> {
  const response = await fetch("/auth/dev/token", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ tenant: account.tenant, username: account.username }),
  });
  if (!response.ok) throw new Error(`sign-in refused (${response.status})`);
  const { token } = await response.json();
  sessionStorage.setItem(TOKEN_KEY, token);
}

export async function signOut(config: ConsoleConfig): Promise<void> {
  const session = currentSession();
  sessionStorage.removeItem(TOKEN_KEY);
  if (session && "csrf" in session && config.logoutUrl) {
    const response = await fetch(config.logoutUrl, {
      method: "POST",
      headers: { ...authHeaders(session), Accept: "application/json" },
    });
    const { redirect } = await response.json();
    window.location.assign(redirect ?? "/");
  }
}
