// Terminal-wide UI state: the order window, the depth panel, toasts.
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";
import type { Side } from "./lib/orderForm";
import type { Order } from "./api/types";

export interface OrderTicket {
  token: number;
  side: Side;
  /** Modify this open order instead of placing a new one. */
  modify?: Order;
  quantity?: number;
  product?: "CNC" | "MIS" | "NRML";
}

export type ToastKind = "success" | "error" | "info";

export interface Toast {
  id: number;
  kind: ToastKind;
  title: string;
  detail?: string;
}

interface Ui {
  ticket: OrderTicket | null;
  openTicket: (ticket: OrderTicket) => void;
  closeTicket: () => void;
  depthToken: number | null;
  showDepth: (token: number | null) => void;
  toasts: Toast[];
  toast: (kind: ToastKind, title: string, detail?: string) => void;
  dismiss: (id: number) => void;
}

const UiContext = createContext<Ui | null>(null);

export function UiProvider({ children }: { children: ReactNode }) {
  const [ticket, setTicket] = useState<OrderTicket | null>(null);
  const [depthToken, setDepthToken] = useState<number | null>(null);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const toast = useCallback(
    (kind: ToastKind, title: string, detail?: string) => {
      const id = next.current++;
      setToasts((all) => [...all.slice(-4), { id, kind, title, detail }]);
      setTimeout(() => dismiss(id), kind === "error" ? 8000 : 5000);
    },
    [dismiss],
  );
  const value = useMemo<Ui>(
    () => ({
      ticket,
      openTicket: setTicket,
      closeTicket: () => setTicket(null),
      depthToken,
      showDepth: setDepthToken,
      toasts,
      toast,
      dismiss,
    }),
    [ticket, depthToken, toasts, toast, dismiss],
  );
  return <UiContext.Provider value={value}>{children}</UiContext.Provider>;
}

export function useUi(): Ui {
  const ui = useContext(UiContext);
  if (!ui) throw new Error("useUi outside UiProvider");
  return ui;
}
