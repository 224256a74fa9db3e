// /realms/{realm}/audit-events: a realm's audit trail, newest first, filtered, in pages.
import { z } from 'zod';
import { auditEventViewSchema } from '../../modules/audit/audit.schemas.js';
import type { AuditEventView } from '../../modules/audit/audit-query.js';
import { auditQuery } from '../audit-events.routes.js';
import type { ApiArea } from './operations.js';
import { describes, page, pageQuery } from './shapes.js';

const auditEvent = describes<AuditEventView>()(auditEventViewSchema);

/** The route's own filters, each described for the reference. */
const { action, actor, target, since, until } = auditQuery.shape;
const filters = pageQuery({
  action: action.meta({ description: 'Exactly this action, or a prefix ending in `.` (`login.`).' }),
  actor: actor.meta({ description: 'Exactly this actor, e.g. `user:<id>` or `api-key:<prefix>`.' }),
  target: target.meta({ description: 'Exactly this target, e.g. `app:<client_id>`.' }),
  since: since.meta({ description: 'Events at or after this time (RFC 3339).' }),
  until: until.meta({ description: 'Events before this time (RFC 3339).' }),
}) satisfies z.ZodObject;

export const auditEventsDocs: ApiArea = {
  tag: 'Audit events',
  description: 'What happened in a realm, and who did it: sign-ins, changes over the API, the console and the CLI. Events never hold a secret.',
  operations: [
    {
      method: 'get', path: '/realms/{realm}/audit-events', operationId: 'listAuditEvents', summary: 'Read a realm\'s audit trail, one page at a time', query: filters, scopes: ['audit:read'],
      responses: { 200: { description: 'A page of events, newest first.', schema: page(auditEvent) } },
      problems: { 400: ['validation_failed'], 404: ['not_found'] },
    },
  ],
};
