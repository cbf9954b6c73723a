// Live P&L in paise from positions and holdings as the API gives them and the latest price.
import { toPaise, type Paise } from "./money";

export interface PositionLike {
  quantity: number;
  average_price: number;
  realised: number;
  last_price: number;
}

export interface HoldingLike {
  quantity: number;
  average_price: number;
  close_price: number;
  last_price: number;
}

/** Unrealised P&L of a net position marked at ``last``: long gains when the price rises,
 * short gains when it falls. Cost is quantity x average price (the API's rounded average). */
export function unrealisedPnl(quantity: number, average: Paise, last: Paise): Paise {
  return quantity * (last - average);
}

export function positionPnl(position: PositionLike, lastPrice?: Paise): Paise {
  const last = lastPrice ?? toPaise(position.last_price);
  return toPaise(position.realised) + unrealisedPnl(position.quantity, toPaise(position.average_price), last);
}

export function holdingPnl(holding: HoldingLike, lastPrice?: Paise): Paise {
  const last = lastPrice ?? toPaise(holding.last_price);
  return holding.quantity * (last - toPaise(holding.average_price));
}

/** Day change of a holding: quantity x (last - previous close). */
export function holdingDayChange(holding: HoldingLike, lastPrice?: Paise): Paise {
  const last = lastPrice ?? toPaise(holding.last_price);
  return holding.quantity * (last - toPaise(holding.close_price));
}

export function total(values: Paise[]): Paise {
  return values.reduce((sum, value) => sum + value, 0);
}
