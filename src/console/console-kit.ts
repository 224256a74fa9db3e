// What every console area (realms, apps, users, audit, keys) gets from the console router
// (console.routes.ts): the signed-in developer, body parsing, CSRF, step-up, the page renderer
// and the audit actor. Areas call the same services the management API uses (src/services.ts),
// never repos or the API over HTTP.
import type { Request, RequestHandler, Response } from 'express';
import type { Config } from '../config/config.js';
import { ProblemError } from '../http/problem.js';
import type { Actor } from '../modules/audit/actor.js';
import type { Services } from '../services.js';

export interface ConsoleContext {
  developer: { id: string; email: string };
  /** When the developer last authenticated (seconds since the epoch). */
  authTime: number;
  /** Whether authTime is within the step-up window (deleting, rotating). */
  recent: boolean;
  csrfToken: string;
}

export interface ConsoleKit {
  config: Readonly<Config>;
  services: Services;
  form: RequestHandler;
  csrf: RequestHandler;
  /** Sends the developer through a fresh sign-in (max_age=0) unless they authenticated recently. */
  recent: RequestHandler;
  /** Renders views/console/<view> with the console's navigation, no-store, console.js loaded. */
  page(res: Response, view: string, data: Record<string, unknown>, status?: number): void;
  /** Who did it, for audit events: `developer:<id>` with the request's address and user agent. */
  actor(req: Request, res: Response): Actor;
}

export function consoleOf(res: Response): ConsoleContext {
  const ctx = res.locals.console as ConsoleContext | undefined;
  if (!ctx) throw new Error('console context missing: route mounted outside the console session');
  return ctx;
}

/** A form field as one trimmed string ('' when absent or repeated). */
export function field(req: Request, name: string): string {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.trim() : '';
}

/** A query parameter as one trimmed string, bounded. */
export function queryParam(req: Request, name: string, max = 200): string {
  const v = req.query[name];
  return typeof v === 'string' ? v.trim().slice(0, max) : '';
}

/** One line per non-empty line of a textarea. */
export const lines = (raw: string) => raw.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);

/** Runs a service call; an expected refusal (a 4xx problem) comes back as messages for the form. */
export async function attempt<T>(work: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; status: number; messages: string[] }> {
  try {
    return { ok: true, value: await work() };
  } catch (err) {
    if (!(err instanceof ProblemError) || err.status >= 500) throw err;
    const messages = err.errors.length ? err.errors.map((e) => `${e.path}: ${e.message}`) : [err.detail ?? err.title];
    return { ok: false, status: err.status, messages };
  }
}
