// Reports from the ledger (statement, tradebook, P&L, contract notes, CSV export), shown when
// the platform serves /api/v1/reports/*; until then the screen says they are coming.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { authFetch, download, errorFrom, optionalGet } from "../api/client";

type Tab = "statement" | "tradebook" | "pnl" | "contract-notes";
const TABS: [Tab, string][] = [
  ["statement", "Statement"],
  ["tradebook", "Tradebook"],
  ["pnl", "P&L"],
  ["contract-notes", "Contract notes"],
];
const CSV: Tab[] = ["statement", "tradebook"];

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function Rows({ rows }: { rows: Record<string, unknown>[] }) {
  if (rows.length === 0) return <p className="muted empty">Nothing yet.</p>;
  const columns = Object.keys(rows[0] ?? {});
  return (
    <div className="table-wrap">
      <table className="grid">
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c}>{c.replace(/_/g, " ")}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              {columns.map((c) => (
                <td key={c}>{cell(row[c])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

async function openContractNote(day: string) {
  const response = await authFetch(new Request(`/api/v1/reports/contract-notes/${encodeURIComponent(day)}`));
  if (!response.ok) throw await errorFrom(response);
  const url = URL.createObjectURL(new Blob([await response.text()], { type: "text/html" }));
  window.open(url, "_blank", "noopener");
}

function Report({ tab }: { tab: Tab }) {
  const report = useQuery({ queryKey: ["report", tab], queryFn: () => optionalGet<unknown>(`/api/v1/reports/${tab}`), retry: false });
  const [error, setError] = useState<string | null>(null);
  if (report.isPending) return <p className="muted">Loading…</p>;
  if (report.isError) return <p className="form-error">{report.error.message}</p>;
  if (report.data === null) {
    return <p className="notice">Reports (statement, tradebook, P&amp;L with the tax view, contract notes, CSV export) come with the ledger; this server does not serve them yet.</p>;
  }
  const data = report.data;
  return (
    <>
      {CSV.includes(tab) && (
        <button onClick={() => void download(`/api/v1/reports/${tab}?format=csv`, `${tab}.csv`).catch((e: Error) => setError(e.message))}>Download CSV</button>
      )}
      {error && <p className="form-error">{error}</p>}
      {tab === "contract-notes" && Array.isArray(data) ? (
        <ul>
          {(data as string[]).map((day) => (
            <li key={day}>
              <button className="link" onClick={() => void openContractNote(day).catch((e: Error) => setError(e.message))}>
                Contract note {day}
              </button>
            </li>
          ))}
        </ul>
      ) : Array.isArray(data) ? (
        <Rows rows={data as Record<string, unknown>[]} />
      ) : (
        <pre className="report">{JSON.stringify(data, null, 2)}</pre>
      )}
    </>
  );
}

export function ReportsScreen() {
  const [tab, setTab] = useState<Tab>("statement");
  return (
    <div className="screen">
      <section className="panel" aria-label="Reports">
        <h2>Reports</h2>
        <div className="intervals" role="tablist">
          {TABS.map(([id, label]) => (
            <button key={id} role="tab" aria-selected={tab === id} className={tab === id ? "active" : ""} onClick={() => setTab(id)}>
              {label}
            </button>
          ))}
        </div>
        <Report tab={tab} />
      </section>
    </div>
  );
}
