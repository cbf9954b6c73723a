// Sign-up, login and the TOTP prompt (asked when the login answers TOTP_REQUIRED).
import { useState, type FormEvent } from "react";
import { ApiError, api, unwrap } from "../api/client";
import { fromPair, setTokens } from "../api/session";

type Stage = "login" | "signup" | "totp";

export function AuthScreen() {
  const [stage, setStage] = useState<Stage>("login");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function login(totp?: string) {
    const pair = await unwrap(
      api.POST("/api/v1/auth/login", { body: { email, password, ...(totp ? { totp_code: totp } : {}) } }),
    );
    setTokens(fromPair(pair));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (stage === "signup") {
        await unwrap(api.POST("/api/v1/auth/signup", { body: { email, password } }));
        setNotice("Account created. Logging you in…");
        await login();
      } else if (stage === "totp") {
        await login(code.trim());
      } else {
        await login();
      }
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === "TOTP_REQUIRED") {
        setStage("totp");
        setError(null);
      } else {
        setError(caught instanceof Error ? caught.message : String(caught));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="auth">
      <form className="auth-card" onSubmit={submit} aria-label={stage}>
        <h1 className="brand">Bourse</h1>
        {stage === "totp" ? (
          <>
            <p>Enter the 6-digit code from your authenticator app.</p>
            <label>
              TOTP code
              <input
                name="totp"
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="[0-9]{6}"
                maxLength={6}
                autoFocus
                value={code}
                onChange={(e) => setCode(e.target.value)}
                required
              />
            </label>
          </>
        ) : (
          <>
            <h2>{stage === "signup" ? "Create your account" : "Log in"}</h2>
            <label>
              Email
              <input name="email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
            </label>
            <label>
              Password
              <input
                name="password"
                type="password"
                autoComplete={stage === "signup" ? "new-password" : "current-password"}
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                required
              />
            </label>
          </>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {notice && !error && <p className="notice">{notice}</p>}
        <button className="primary" type="submit" disabled={busy}>
          {stage === "signup" ? "Sign up" : stage === "totp" ? "Verify" : "Log in"}
        </button>
        {stage !== "totp" ? (
          <button
            type="button"
            className="link"
            onClick={() => {
              setStage(stage === "login" ? "signup" : "login");
              setError(null);
            }}
          >
            {stage === "login" ? "New here? Sign up" : "Have an account? Log in"}
          </button>
        ) : (
          <button type="button" className="link" onClick={() => setStage("login")}>
            Back
          </button>
        )}
      </form>
    </main>
  );
}
