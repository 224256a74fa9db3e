// Run as a child by logs-crash.test.ts: logs a burst of lines with Gatehouse's logger, the way a
// failing request logs its error, and is SIGKILLed right after the last one.
import { createLogger } from '../../src/observability/logger.js';

const logger = createLogger('info');
const count = Number(process.argv[2] ?? 100);
for (let i = 0; i < count; i++) logger.error({ requestId: `req-${i}` }, 'unhandled error');
logger.info('last line before the kill');
process.kill(process.pid, 'SIGKILL');
