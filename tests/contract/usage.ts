// What a frontend written in TypeScript does with the types openapi-typescript generates from
// /openapi.json (compiled with `tsc --noEmit` by test_generated_clients.py; never run).
import type { components, paths } from "./compax";

type Problem = components["schemas"]["Problem"];
type Booking = components["schemas"]["BookingOut"];
type LoginBody = paths["/api/v1/auth/token"]["post"]["requestBody"]["content"]["application/json"];
type Created = paths["/api/v1/bookings"]["post"]["responses"][201]["content"]["application/json"];
type Clash = paths["/api/v1/bookings"]["post"]["responses"][409]["content"]["application/problem+json"];

export const login: LoginBody = { email: "ada@campus.example", password: "secret" };

export function localTimes(b: Created): string {
  // bookings carry their room's zone and local times: no second request for the room
  const zone: string = b.timezone;
  return `${b.local_start} to ${b.local_end} (${zone})`;
}

export function explain(p: Clash | Problem): string[] {
  if (p.code !== "booking_conflict") return [p.detail];
  const inTheWay = (p.conflicts ?? []).map((c) => `${c.start} to ${c.end} (${c.status})`);
  const elsewhere = (p.alternatives ?? []).map((a) => `${a.code}: ${a.capacity} seats`);
  return [...inTheWay, ...elsewhere];
}

// every code is a literal: a typo is a compile error
export const retryable: Problem["code"][] = ["service_unavailable", "rate_limited"];

export function status(b: Booking): "confirmed" | "pending" | string {
  return b.status;
}
