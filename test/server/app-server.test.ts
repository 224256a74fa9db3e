// createAppServer (src/http/app-server.ts): node builds each request and response on the Express
// app's own prototypes, so Express's per-request prototype swap finds nothing to change (a swapped
// prototype gives every request a V8 hidden class of its own, slowing every access to it), and
// everything Express and the app put on those prototypes works as with app.listen().
import express from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createAppServer } from '../../src/http/app-server.js';

describe('createAppServer', () => {
  it('serves requests already built on the app prototypes, with Express and app additions working', async () => {
    const app = express();
    app.set('trust proxy', 1);
    Object.defineProperty(app.request, 'before', { get: () => 'defined before the server' });
    const server = createAppServer(app);
    Object.defineProperty(app.request, 'after', { get: () => 'defined after the server' });

    const arrivedWith: Array<[object, object]> = [];
    // Before Express's own listener: the objects as node created them.
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      arrivedWith.push([Object.getPrototypeOf(req) as object, Object.getPrototypeOf(res) as object]);
    });
    app.get('/check', (req, res) => {
      const extra = req as unknown as { before: string; after: string };
      res.status(201).json({ path: req.path, ip: req.ip, header: req.get('x-test'), before: extra.before, after: extra.after, locals: typeof res.locals });
    });

    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/check?x=1`, { headers: { 'x-test': 'yes', 'x-forwarded-for': '203.0.113.7' } });
      expect(res.status).toBe(201);
      expect(await res.json()).toEqual({ path: '/check', ip: '203.0.113.7', header: 'yes', before: 'defined before the server', after: 'defined after the server', locals: 'object' });
      expect(arrivedWith).toHaveLength(1);
      expect(arrivedWith[0]![0]).toBe(app.request);
      expect(arrivedWith[0]![1]).toBe(app.response);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
