// /me: which API key is calling, what it may do and whose it is.
import { meSchema } from '../../modules/api-keys/api-keys.schemas.js';
import type { ApiArea } from './operations.js';

export const meDocs: ApiArea = {
  tag: 'This key',
  description: 'What the calling API key is: platform or realm key, its scopes, expiry and owner. Any valid key may ask.',
  operations: [
    { method: 'get', path: '/me', operationId: 'getMe', summary: 'Describe the calling API key', scopes: [], responses: { 200: { description: 'The key (never its secret).', schema: meSchema } } },
  ],
};
