// Who did something, and from where: attached to every audit event.
import type { Request } from 'express';

export interface Actor {
  actor: string;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
}

export function actorFromRequest(req: Request, actor: string): Actor {
  return { actor, ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null, requestId: req.id };
}

export const CLI_ACTOR: Actor = { actor: 'cli' };
