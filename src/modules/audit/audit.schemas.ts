// An audit event as the management API answers it (audit-query.ts AuditEventView).
import { z } from 'zod';

export const auditEventViewSchema = z
  .object({
    id: z.uuid(),
    createdAt: z.iso.datetime(),
    actor: z.string().meta({ description: '`user:<id>`, `app:<client_id>`, `api-key:<prefix>`, `cli`, `system`, or `anonymous`.' }),
    action: z.string(),
    target: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    requestId: z.string().nullable(),
    data: z.unknown().meta({ description: 'The event\'s details (never a secret).' }),
  })
  .strict()
  .meta({ id: 'AuditEvent' });
