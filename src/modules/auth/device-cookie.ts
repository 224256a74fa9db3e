// The browser side of device tokens (device-tokens.ts): one HttpOnly cookie per realm holding the
// tokens of the accounts this browser signed in to. Scoped to the realm's path, like its session
// cookies: another realm's pages never receive it (and its macs bind the realm anyway).
// SameSite=Lax, Secure when BASE_URL is https.
import type { Request, Response } from 'express';
import { DEVICE_TOKEN_TTL_SECONDS } from './device-tokens.js';

const COOKIE = 'gh_device';

/** The realm's path; the realm name was matched by the resolver, and is encoded anyway. */
const realmPath = (req: Request) => `/realms/${encodeURIComponent(String(req.params.realm))}`;

export function createDeviceCookie(secure: boolean) {
  return {
    read: (req: Request): string | undefined => {
      const value: unknown = req.cookies?.[COOKIE];
      return typeof value === 'string' ? value : undefined;
    },
    write: (req: Request, res: Response, value: string) => {
      res.cookie(COOKIE, value, { httpOnly: true, sameSite: 'lax', secure, path: realmPath(req), maxAge: DEVICE_TOKEN_TTL_SECONDS * 1000 });
    },
  };
}

export type DeviceCookie = ReturnType<typeof createDeviceCookie>;
