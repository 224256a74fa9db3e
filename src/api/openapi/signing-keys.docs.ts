// /realms/{realm}/signing-keys: the keys a realm signs tokens with (public facts only), and rotation.
import { rotationSchema, signingKeyViewSchema } from '../../modules/signing-keys/signing-keys.schemas.js';
import type { SigningKeyView } from '../../modules/signing-keys/signing-keys.service.js';
import { rotateSchema } from '../signing-keys.routes.js';
import type { ApiArea } from './operations.js';
import { describes, list } from './shapes.js';

const signingKey = describes<SigningKeyView>()(signingKeyViewSchema);

export const signingKeysDocs: ApiArea = {
  tag: 'Signing keys',
  description: 'The keys a realm signs ID and access tokens with, as published in its JWKS. Private halves never leave the server.',
  operations: [
    {
      method: 'get', path: '/realms/{realm}/signing-keys', operationId: 'listSigningKeys', summary: 'List a realm\'s published signing keys', scopes: ['keys:read'],
      responses: { 200: { description: 'The published keys, oldest first, with what each does now.', schema: list(signingKey) } },
      problems: { 404: ['not_found'] },
    },
    {
      method: 'post', path: '/realms/{realm}/signing-keys/rotate', operationId: 'rotateSigningKeys', summary: 'Rotate a realm\'s signing keys', body: rotateSchema, scopes: ['keys:write'],
      description: 'New keys are published at once and sign from `activatesAt` (`activateAfterSeconds`, default 600: relying parties cache the JWKS). The replaced keys then only verify, until tokens they signed have expired. The same as `gatehouse keys rotate`. The body may be empty.',
      responses: { 200: { description: 'The new and the replaced keys, and when each change takes effect.', schema: rotationSchema } },
      problems: { 404: ['not_found'] },
    },
  ],
};
