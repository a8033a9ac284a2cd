import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { devAccounts, signInAs, type ConsoleConfig, type DevAccount } from "../auth";
import { Register } from "./Register";

/** Production: the server's browser flow (OIDC with PKCE, `/auth/login`). Dev mode: pick a demo
 * account and get a dev token for it. */
export function SignIn({ config, onSignedIn }: { config: ConsoleConfig; onSignedIn: () => void }) {
  const { t } = useTranslation();
  const [accounts, setAccounts] = useState<DevAccount[]>([]);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    if (config.devMode) void devAccounts().then(setAccounts);
  }, [config.devMode]);
  const returnTo = encodeURIComponent(window.location.pathname + window.location.search);
  return (
    <main className="signin">
      <h1>{t("app.name")}</h1>
      {config.signInUrl && (
        <p>
          <a className="button primary" href={`${config.signInUrl}?return_to=${returnTo}`}>
            {t("signin.portal")}
          </a>
        </p>
      )}
      {config.devMode && (
        <section aria-labelledby="demo-accounts">
          <h2 id="demo-accounts">{t("signin.demo")}</h2>
          <ul className="accounts">
            {accounts.map((a) => (
              <li key={`${a.tenant}/${a.username}`}>
                <button
                  data-account={`${a.tenant}/${a.username}`}
                  onClick={() =>
                    signInAs(a).then(onSignedIn, (e: Error) => setFailed(e.message))
                  }
                >
                  {a.displayName} <small>{a.tenantName} · {a.username}</small>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {!config.devMode && !config.signInUrl && <p role="alert">{t("signin.unavailable")}</p>}
      {failed && <p role="alert">{failed}</p>}
      <details>
        <summary>{t("register.title")}</summary>
        <Register />
      </details>
    </main>
  );
}
