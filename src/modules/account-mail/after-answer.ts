// Work an account request does after its answer is sent. A password-reset or magic-link request
// answers the same for every address (no user enumeration), and that includes *when* it answers:
// if the request waited for the token and outbox transaction that only a real account gets, its
// answer time would tell which addresses have accounts. So the request checks the mail limits
// (counted for every address alike), answers, and the account's lookup and its transaction (token +
// mail row + audit, all or nothing) run here.
//
// Bounds: at most MAX_PENDING tasks run at once; past that a request waits for its own task
// (slower under overload, never unbounded memory). Shutdown drains the tasks before the database
// closes (src/server.ts). A task that fails (PostgreSQL down in those milliseconds) is logged
// without its data; nothing half-written remains (its writes are one transaction) and the user can
// simply ask again.
import type { Logger } from '../../observability/logger.js';

export const MAX_PENDING = 1000;

export function createAfterAnswer(logger?: Pick<Logger, 'error'>) {
  const pending = new Set<Promise<void>>();
  return {
    /** Runs `task` without making the caller wait (unless MAX_PENDING are already running). */
    async run(name: string, task: () => Promise<void>): Promise<void> {
      const running: Promise<void> = task().catch((err: unknown) => logger?.error({ err, task: name }, 'account work after the answer failed'));
      if (pending.size >= MAX_PENDING) return running;
      pending.add(running);
      void running.finally(() => pending.delete(running));
    },
    /** Waits for every task started so far (shutdown). */
    async drain(): Promise<void> {
      while (pending.size) await Promise.all([...pending]);
    },
    get size() {
      return pending.size;
    },
  };
}

export type AfterAnswer = ReturnType<typeof createAfterAnswer>;
