import { createLogger } from './log.ts';
import { configOrExit } from './env-file.ts';
import { startBot, StartupError, type RunningBot } from './bot/runtime.ts';

const config = configOrExit();
const logger = createLogger(config.LOG_LEVEL);

let bot: RunningBot | undefined;
let stopping = false;

// Installed before start-up so a signal during the archive load or login is handled too.
function shutdown(reason: string): void {
	if (stopping) return;
	stopping = true;
	logger.info({ reason }, 'shutting down: finishing work in flight');
	(bot?.stop() ?? Promise.resolve()).then(
		() => process.exit(0),
		(err: unknown) => {
			logger.error({ err }, 'shutdown failed');
			process.exit(1);
		},
	);
}
process.once('SIGINT', () => shutdown('SIGINT'));
process.once('SIGTERM', () => shutdown('SIGTERM'));
// A shard forked by the sharding manager must not outlive it (a restarted manager would run it twice).
if (process.send) process.once('disconnect', () => shutdown('sharding manager gone'));

try {
	bot = await startBot({ config, logger });
	if (stopping) await bot.stop();
} catch (err) {
	if (err instanceof StartupError) {
		logger.error({}, err.message);
		process.exit(1);
	}
	logger.error({ err }, 'startup failed');
	process.exit(1);
}
