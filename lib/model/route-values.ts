// Value rules for retries, timeouts and protocol declarations, in one place: the fleet checks turn a
// problem into a diagnostic with a path, the TypeScript constructs throw it at once.
import { APP_PROTOCOL_CORRECTIONS, LINKERD_APP_PROTOCOLS } from '../compat/protocols.ts';
import { show, type ValueProblem } from './diagnostics.ts';
import type { GRPCRetryCode } from './routes.ts';
import { GATEWAY_DURATION } from './routes-schema.ts';

export type { ValueProblem } from './diagnostics.ts';

export const GRPC_RETRY_CODES: readonly GRPCRetryCode[] = ['cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable'];

const STATUS_FIX = 'use a status code 100-599 (503), a range "500-504" with the lower code first, "5xx" or "gateway-error"';

/** One entry of `retry.linkerd.io/http`. */
export function httpRetryStatusProblem(entry: number | string): ValueProblem | undefined {
  if (entry === '5xx' || entry === 'gateway-error') return undefined;
  const text = String(entry);
  const range = /^([0-9]{3})-([0-9]{3})$/.exec(text);
  const codes = range ? [Number(range[1]), Number(range[2])] : /^[0-9]{3}$/.test(text) ? [Number(text)] : undefined;
  if (!codes || (typeof entry === 'number' && !Number.isInteger(entry))) {
    return { message: `${show(entry)} is not an HTTP status, range, "5xx" or "gateway-error"`, fix: STATUS_FIX };
  }
  if (codes.some((c) => c < 100 || c > 599)) return { message: `${show(entry)} is outside the HTTP status codes 100-599`, fix: STATUS_FIX };
  if (codes.length === 2 && codes[0] > codes[1]) return { message: `range ${show(entry)} runs backwards`, fix: `write it as "${codes[1]}-${codes[0]}"` };
  return undefined;
}

export function grpcRetryCodeProblem(code: string): ValueProblem | undefined {
  if ((GRPC_RETRY_CODES as readonly string[]).includes(code)) return undefined;
  return { message: `${show(code)} is not a gRPC status Linkerd retries on`, fix: `use ${GRPC_RETRY_CODES.join(', ')}` };
}

export function durationProblem(text: string): ValueProblem | undefined {
  if (new RegExp(GATEWAY_DURATION).test(text)) return undefined;
  return {
    message: `${show(text)} is not a Gateway API duration`,
    fix: 'use up to four number+unit pairs with units h, m, s or ms, e.g. "10s", "1m30s" or "250ms"',
  };
}

export function retryLimitProblem(limit: number): ValueProblem | undefined {
  if (Number.isInteger(limit) && limit >= 0) return undefined;
  return { message: `retry limit ${show(limit)} is not a whole number of retries`, fix: 'use 0 or more, e.g. 2 (Linkerd retries once by default)' };
}

export function appProtocolProblem(value: string, port: number): ValueProblem | undefined {
  if (value in LINKERD_APP_PROTOCOLS) return undefined;
  const meant = APP_PROTOCOL_CORRECTIONS[value.toLowerCase()];
  const known = Object.keys(LINKERD_APP_PROTOCOLS).map((v) => show(v)).join(', ');
  return {
    message: `appProtocol ${show(value)} is not one Linkerd knows: it would treat port ${port} as opaque TCP, silently turning off HTTP routing, retries, timeouts and per-request metrics`,
    fix: meant ? `write appProtocol: ${meant}` : `use one of ${known}, or leave appProtocol unset to keep protocol detection`,
  };
}

const UNITS: readonly [string, number][] = [
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
  ['ms', 1],
];

/** Milliseconds as a Gateway API duration ("1m30s", "250ms"); throws where none can say it exactly. */
export function gatewayDuration(milliseconds: number): string {
  if (!Number.isInteger(milliseconds) || milliseconds < 0) {
    throw new Error(`duration ${milliseconds} ms is not a whole, non-negative number of milliseconds. Fix: round it to whole milliseconds`);
  }
  if (milliseconds === 0) return '0s';
  let rest = milliseconds;
  let text = '';
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  const problem = durationProblem(text);
  if (problem) throw new Error(`${problem.message} (from ${milliseconds} ms). Fix: ${problem.fix}`);
  return text;
}
