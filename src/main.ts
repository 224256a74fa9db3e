// `npm start`: parse config, start Gatehouse, stop cleanly on SIGINT/SIGTERM.
import { ConfigError } from './config/config.js';
import { startGatehouse } from './server.js';

try {
  const gatehouse = await startGatehouse(process.env);
  gatehouse.logger.info({ url: gatehouse.config.baseUrl, redis: gatehouse.stores.kind === 'redis' }, `Gatehouse listening on ${gatehouse.config.baseUrl}`);
  gatehouse.logger.info(`Console: open ${gatehouse.config.baseUrl}/console`);
  if (gatehouse.config.demo) gatehouse.logger.info(`Demo: open ${gatehouse.config.baseUrl}/demo and sign in as demo@example.com / demo-password`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    gatehouse.logger.info({ signal }, 'shutting down');
    await gatehouse.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(78); // EX_CONFIG
  }
  console.error('Gatehouse failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
}
