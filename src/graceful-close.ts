// Stops the HTTP server without cutting off requests in flight. Aborting one can lose a response
// whose effect is already stored: a code consumed (RFC 6749 §4.1.2) with nobody receiving the
// tokens, an app created with nobody receiving its one-time secret. So on close: stop accepting,
// close idle keep-alive connections, let in-flight requests finish with "Connection: close"
// (RFC 9112 §9.6) so their connections end with them, and cut what is left after a grace period.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/** Call right after listen(): in-flight responses are tracked from then on. */
export function createGracefulClose(server: Server, onCutOff: (openRequests: number) => void) {
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  const lastOnItsConnection = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('connection', 'close');
  };
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    // A request that arrives on a kept-alive connection while closing is served, then the connection ends.
    if (closing) lastOnItsConnection(res);
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });

  return function close(graceMs = DEFAULT_SHUTDOWN_GRACE_MS): Promise<void> {
    closing = true;
    inFlight.forEach(lastOnItsConnection);
    return new Promise((resolve) => {
      const cutOff = setTimeout(() => {
        onCutOff(inFlight.size);
        server.closeAllConnections();
      }, graceMs);
      server.close(() => {
        clearTimeout(cutOff);
        resolve();
      });
      server.closeIdleConnections();
    });
  };
}
