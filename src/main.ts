import { createLogger } from './log.ts';
import { configOrExit } from './env-file.ts';
import { startBot, StartupError } from './app.ts';

const config = configOrExit();
const logger = createLogger(config.LOG_LEVEL, undefined, config.LOG_FORMAT ? { format: config.LOG_FORMAT } : {});

const starting = startBot({ config, logger });
let stopping = false;

// Installed before start-up finishes: a signal during the archive load or login waits for it,
// then stops as gracefully as one that comes later.
function shutdown(reason: string): void {
	if (stopping) return;
	stopping = true;
	logger.info({ reason }, 'shutting down: finishing work in flight');
	starting
		.then((bot) => bot.stop())
		.then(
			() => process.exit(0),
			(err: unknown) => {
				if (!(err instanceof StartupError)) logger.error({ err }, 'shutdown failed');
				process.exit(1);
			},
		);
}
process.once('SIGINT', () => shutdown('SIGINT'));
process.once('SIGTERM', () => shutdown('SIGTERM'));
// A shard forked by the sharding manager must not outlive it (a restarted manager would run it twice).
if (process.send) process.once('disconnect', () => shutdown('sharding manager gone'));

starting.catch((err: unknown) => {
	if (err instanceof StartupError) logger.error({}, err.message);
	else logger.error({ err }, 'startup failed');
	process.exit(1);
});
