// Account settings: TOTP two-factor enrolment, live sessions, API keys (Kite Connect).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { api, unwrap } from "../api/client";
import type { NewApiKey, TotpEnrolment } from "../api/types";
import { useUi } from "../ui";

const when = (ns: number | null | undefined) => (ns ? new Date(ns / 1e6).toLocaleString() : "—");

function TwoFactor() {
  const profile = useQuery({ queryKey: ["me"], queryFn: () => unwrap(api.GET("/api/v1/user/profile")) });
  const queryClient = useQueryClient();
  const ui = useUi();
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [enabled, setEnabled] = useState(false);
  const [qr, setQr] = useState<string | null>(null);
  const uri = enrolment?.provisioning_uri;
  useEffect(() => {
    setQr(null);
    if (!uri) return;
    let current = true;
    // Loaded on demand: the QR encoder stays out of the initial bundle.
    void import("qrcode-generator").then(({ default: qrcode }) => {
      const code = qrcode(0, "M");
      code.addData(uri);
      code.make();
      if (current) setQr(code.createDataURL(4, 2));
    });
    return () => {
      current = false;
    };
  }, [uri]);

  async function start() {
    setError(null);
    try {
      setEnrolment(await unwrap(api.POST("/api/v1/auth/totp")));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  }
  async function confirm(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const user = await unwrap(api.POST("/api/v1/auth/totp/confirm", { body: { code: code.trim() } }));
      setEnabled(user.totp_enabled);
      setEnrolment(null);
      ui.toast("success", "Two-factor authentication is on");
      void queryClient.invalidateQueries({ queryKey: ["me"] });
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  }
  return (
    <section className="panel" aria-label="Two-factor authentication">
      <h2>Two-factor authentication (TOTP)</h2>
      {profile.data && <p className="muted">Logged in as {profile.data.email}</p>}
      {enabled && <p data-testid="totp-enabled">TOTP is enabled: logins ask for a code from your app.</p>}
      {!enrolment && !enabled && (
        <button className="primary" onClick={start}>
          Enable TOTP
        </button>
      )}
      {enrolment && (
        <form className="totp" onSubmit={confirm}>
          <p>Scan the code with your authenticator app (or type the secret), then enter the code it shows.</p>
          {qr && <img className="qr" src={qr} alt="TOTP QR code" data-testid="totp-qr" />}
          <p>
            Secret: <code data-testid="totp-secret">{enrolment.secret}</code>
          </p>
          <p className="muted small break">{enrolment.provisioning_uri}</p>
          <label>
            Code
            <input name="totp-code" inputMode="numeric" maxLength={6} value={code} onChange={(e) => setCode(e.target.value)} />
          </label>
          <button className="primary" type="submit">
            Confirm
          </button>
        </form>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function Sessions() {
  const queryClient = useQueryClient();
  const sessions = useQuery({ queryKey: ["sessions"], queryFn: () => unwrap(api.GET("/api/v1/auth/sessions")) });
  async function revoke(id: string) {
    await unwrap(api.DELETE("/api/v1/auth/sessions/{session_id}", { params: { path: { session_id: id } } }));
    void queryClient.invalidateQueries({ queryKey: ["sessions"] });
  }
  return (
    <section className="panel" aria-label="Sessions">
      <h2>Sessions</h2>
      <div className="table-wrap">
        <table className="grid">
          <thead>
            <tr>
              <th>Kind</th>
              <th>Started</th>
              <th>Last used</th>
              <th>IP</th>
              <th>Device</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(sessions.data ?? []).map((s) => (
              <tr key={s.session_id}>
                <td>{s.kind}</td>
                <td>{when(s.created_at_ns)}</td>
                <td>{when(s.last_used_at_ns)}</td>
                <td>{s.ip}</td>
                <td className="small">{s.user_agent}</td>
                <td>{s.current ? <b>this session</b> : <button onClick={() => void revoke(s.session_id)}>Revoke</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function ApiKeys() {
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: ["api-keys"], queryFn: () => unwrap(api.GET("/api/v1/api-keys")) });
  const [name, setName] = useState("");
  const [created, setCreated] = useState<NewApiKey | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function create(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      setCreated(await unwrap(api.POST("/api/v1/api-keys", { body: { name: name.trim() } })));
      setName("");
      void queryClient.invalidateQueries({ queryKey: ["api-keys"] });
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  }
  async function revoke(key: string) {
    await unwrap(api.DELETE("/api/v1/api-keys/{api_key}", { params: { path: { api_key: key } } }));
    void queryClient.invalidateQueries({ queryKey: ["api-keys"] });
  }
  return (
    <section className="panel" aria-label="API keys">
      <h2>API keys (Kite Connect)</h2>
      <form className="inline-form" onSubmit={create}>
        <label>
          Name
          <input name="api-key-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="my trading bot" />
        </label>
        <button className="primary" type="submit">
          Create key
        </button>
      </form>
      {error && <p className="form-error">{error}</p>}
      {created && (
        <p className="notice" data-testid="new-api-key">
          Key <code>{created.api_key}</code>, secret <code>{created.api_secret}</code> — copy the secret now: it is not shown again.
        </p>
      )}
      <div className="table-wrap">
        <table className="grid">
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
              <th>Created</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(list.data ?? [])
              .filter((k) => !k.revoked_at_ns)
              .map((k) => (
                <tr key={k.api_key}>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.api_key}</code>
                  </td>
                  <td>{when(k.created_at_ns)}</td>
                  <td>{when(k.last_used_at_ns)}</td>
                  <td>
                    <button onClick={() => void revoke(k.api_key)}>Revoke</button>
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function AccountScreen() {
  return (
    <div className="screen">
      <TwoFactor />
      <Sessions />
      <ApiKeys />
    </div>
  );
}
