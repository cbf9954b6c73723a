// Shorthands for the generated wire types.
import type { components } from "./schema";

type S = components["schemas"];
export type Order = S["Order"];
export type Trade = S["Trade"];
export type Funds = S["Funds"];
export type Position = S["Position"];
export type Holding = S["Holding"];
export type Instrument = S["InstrumentInfo"];
export type BookDepth = S["BookDepth"];
export type SessionInfo = S["SessionResponse"];
export type ApiKeyInfo = S["ApiKeyResponse"];
export type NewApiKey = S["NewApiKeyResponse"];
export type User = S["UserResponse"];
export type TotpEnrolment = S["TotpEnrolmentResponse"];
export type TokenPairResponse = S["TokenPairResponse"];
