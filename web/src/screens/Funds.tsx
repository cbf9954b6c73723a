// Funds: available, blocked by working orders, utilised margin; adding funds. Today the
// development-mode deposit (POST /funds/deposit); the payment sandbox comes with the ledger.
import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, newIdempotencyKey, unwrap } from "../api/client";
import { keys, useFunds } from "../hooks";
import { formatInr, parseRupeesInput, rupeesNumber, toPaise } from "../lib/money";
import { useUi } from "../ui";

export function FundsScreen() {
  const { data: funds } = useFunds();
  const queryClient = useQueryClient();
  const ui = useUi();
  const [amount, setAmount] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function deposit(event: FormEvent) {
    event.preventDefault();
    const paise = parseRupeesInput(amount);
    if (paise === null || paise <= 0) {
      setError("amount must be a positive number of rupees with at most two decimals");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const after = await unwrap(
        api.POST("/api/v1/funds/deposit", {
          body: { amount: rupeesNumber(paise), reference: "web" },
          headers: { "Idempotency-Key": newIdempotencyKey() },
        }),
      );
      queryClient.setQueryData(keys.funds, after);
      ui.toast("success", "Funds added", formatInr(paise));
      setAmount("");
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  }

  const row = (label: string, value: number | undefined, id: string) => (
    <tr>
      <td>{label}</td>
      <td className="num" data-testid={id}>
        {value === undefined ? "—" : formatInr(toPaise(value))}
      </td>
    </tr>
  );

  return (
    <div className="screen">
      <section className="panel" aria-label="Funds">
        <h2>Funds · Equity</h2>
        <table className="grid funds">
          <tbody>
            {row("Available margin", funds?.available, "funds-available")}
            {row("Used by open orders", funds?.blocked, "funds-blocked")}
            {row("Utilised (intraday margin)", funds?.utilised, "funds-utilised")}
            {row("Account value", funds?.net, "funds-net")}
          </tbody>
        </table>
      </section>
      <section className="panel" aria-label="Add funds">
        <h2>Add funds</h2>
        <form className="inline-form" onSubmit={deposit}>
          <label>
            Amount (₹)
            <input name="amount" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} placeholder="10000" />
          </label>
          <button className="primary" type="submit" disabled={busy}>
            Add funds
          </button>
        </form>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <p className="muted">
          Development mode credits the amount at once. Payments through the gateway sandbox, withdrawals and the statement come with the ledger.
        </p>
      </section>
    </div>
  );
}
