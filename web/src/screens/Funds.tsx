// Funds: available, blocked by working orders, utilised margin; adding funds through the
// payment gateway's sandbox (POST /funds/payments and its hosted checkout) when the platform
// has it, else the development-mode deposit; bank accounts and withdrawals when served.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { ApiError, api, newIdempotencyKey, optionalGet, rawGet, rawPost, unwrap } from "../api/client";
import { keys, useFunds } from "../hooks";
import { formatInr, parseRupeesInput, rupeesNumber, toPaise } from "../lib/money";
import { useUi } from "../ui";

interface Payment {
  payment_id: string;
  amount: number;
  status: string;
  checkout_url: string;
}
interface BankAccount {
  bank_account_id: number;
  holder_name: string;
  account_last4: string;
  ifsc: string;
}
interface Withdrawal {
  withdrawal_id: string;
  bank_account_id: number;
  amount: number;
  status: string;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function AddFunds() {
  const queryClient = useQueryClient();
  const ui = useUi();
  const [amount, setAmount] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [checkout, setCheckout] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function viaGateway(paise: number): Promise<boolean> {
    let payment: Payment;
    try {
      payment = await rawPost<Payment>("/api/v1/funds/payments", { amount: rupeesNumber(paise) });
    } catch (caught) {
      if (caught instanceof ApiError && (caught.status === 404 || caught.status === 405)) return false;
      throw caught;
    }
    setCheckout(payment.checkout_url);
    setStatus("Complete the payment on the gateway's page…");
    for (let i = 0; i < 200; i++) {
      await sleep(1500);
      payment = await rawGet<Payment>(`/api/v1/funds/payments/${encodeURIComponent(payment.payment_id)}`);
      if (payment.status === "captured") {
        setCheckout(null);
        ui.toast("success", "Funds added", formatInr(paise));
        void queryClient.invalidateQueries({ queryKey: keys.funds });
        setStatus(null);
        return true;
      }
      if (payment.status === "failed") {
        setCheckout(null);
        setStatus(null);
        throw new Error("the payment failed");
      }
    }
    setStatus("Still waiting for the gateway; the funds appear once it confirms.");
    return true;
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const paise = parseRupeesInput(amount);
    if (paise === null || paise <= 0) {
      setError("amount must be a positive number of rupees with at most two decimals");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      if (!(await viaGateway(paise))) {
        const after = await unwrap(
          api.POST("/api/v1/funds/deposit", {
            body: { amount: rupeesNumber(paise), reference: "web" },
            headers: { "Idempotency-Key": newIdempotencyKey() },
          }),
        );
        queryClient.setQueryData(keys.funds, after);
        ui.toast("success", "Funds added", formatInr(paise));
      }
      setAmount("");
    } catch (caught) {
      setError(message(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-label="Add funds">
      <h2>Add funds</h2>
      <form className="inline-form" onSubmit={submit}>
        <label>
          Amount (₹)
          <input name="amount" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} placeholder="10000" />
        </label>
        <button className="primary" type="submit" disabled={busy}>
          Add funds
        </button>
      </form>
      {status && (
        <p className="notice">
          {status}{" "}
          {checkout && (
            <a href={checkout} target="_blank" rel="noopener" data-testid="checkout-link">
              Open the payment page
            </a>
          )}
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <p className="muted">Payments go through the payment gateway (its sandbox in development); without one, development mode credits the amount at once.</p>
    </section>
  );
}

function Withdrawals() {
  const queryClient = useQueryClient();
  const ui = useUi();
  const banks = useQuery({ queryKey: ["bank-accounts"], queryFn: () => optionalGet<BankAccount[]>("/api/v1/funds/bank-accounts"), retry: false });
  const withdrawals = useQuery({
    queryKey: ["withdrawals"],
    enabled: !!banks.data,
    queryFn: () => rawGet<Withdrawal[]>("/api/v1/funds/withdrawals"),
  });
  const [bank, setBank] = useState({ holder_name: "", account_number: "", ifsc: "" });
  const [amount, setAmount] = useState("");
  const [account, setAccount] = useState<number | "">("");
  const [error, setError] = useState<string | null>(null);
  if (banks.data === null) return null; // this platform has no withdrawals yet
  if (!banks.data) return null;

  async function addBank(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      await rawPost("/api/v1/funds/bank-accounts", { ...bank, ifsc: bank.ifsc.toUpperCase() });
      setBank({ holder_name: "", account_number: "", ifsc: "" });
      void queryClient.invalidateQueries({ queryKey: ["bank-accounts"] });
    } catch (caught) {
      setError(message(caught));
    }
  }
  async function withdraw(event: FormEvent) {
    event.preventDefault();
    const paise = parseRupeesInput(amount);
    const target = account || banks.data?.[0]?.bank_account_id;
    if (paise === null || paise <= 0 || !target) {
      setError("choose a bank account and an amount");
      return;
    }
    setError(null);
    try {
      await rawPost("/api/v1/funds/withdrawals", { amount: rupeesNumber(paise), bank_account_id: target });
      ui.toast("info", "Withdrawal requested", formatInr(paise));
      setAmount("");
      for (const key of [keys.funds, ["withdrawals"]]) void queryClient.invalidateQueries({ queryKey: key });
    } catch (caught) {
      setError(message(caught));
    }
  }
  return (
    <section className="panel" aria-label="Withdraw">
      <h2>Withdraw</h2>
      {banks.data.length > 0 && (
        <form className="inline-form" onSubmit={withdraw}>
          <label>
            To
            <select value={account} onChange={(e) => setAccount(e.target.value ? Number(e.target.value) : "")}>
              {banks.data.map((b) => (
                <option key={b.bank_account_id} value={b.bank_account_id}>
                  {b.holder_name} ····{b.account_last4} ({b.ifsc})
                </option>
              ))}
            </select>
          </label>
          <label>
            Amount (₹)
            <input name="withdraw-amount" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
          </label>
          <button type="submit">Withdraw</button>
        </form>
      )}
      <form className="inline-form" onSubmit={addBank}>
        <label>
          Account holder
          <input value={bank.holder_name} onChange={(e) => setBank({ ...bank, holder_name: e.target.value })} />
        </label>
        <label>
          Account number
          <input inputMode="numeric" value={bank.account_number} onChange={(e) => setBank({ ...bank, account_number: e.target.value })} />
        </label>
        <label>
          IFSC
          <input value={bank.ifsc} onChange={(e) => setBank({ ...bank, ifsc: e.target.value })} />
        </label>
        <button type="submit">Add bank account</button>
      </form>
      {error && <p className="form-error">{error}</p>}
      {(withdrawals.data ?? []).length > 0 && (
        <table className="grid">
          <thead>
            <tr>
              <th>Withdrawal</th>
              <th className="num">Amount</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {(withdrawals.data ?? []).map((w) => (
              <tr key={w.withdrawal_id}>
                <td>{w.withdrawal_id}</td>
                <td className="num">{formatInr(toPaise(w.amount))}</td>
                <td>{w.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function FundsScreen() {
  const { data: funds } = useFunds();
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
            {row("Unsettled sale proceeds (T+1)", funds?.unsettled, "funds-unsettled")}
            {row("Withdrawable", funds?.withdrawable, "funds-withdrawable")}
          </tbody>
        </table>
      </section>
      <AddFunds />
      <Withdrawals />
    </div>
  );
}
