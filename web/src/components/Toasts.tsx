import { useUi } from "../ui";

export function Toasts() {
  const { toasts, dismiss } = useUi();
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast ${t.kind}`} data-kind={t.kind} onClick={() => dismiss(t.id)}>
          <b>{t.title}</b>
          {t.detail && <span>{t.detail}</span>}
        </div>
      ))}
    </div>
  );
}
