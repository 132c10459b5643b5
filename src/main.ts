import { createLogger } from './log.ts';
import { configOrExit } from './env-file.ts';
import { startBot, StartupError } from './bot/runtime.ts';

const config = configOrExit();
const logger = createLogger(config.LOG_LEVEL);

try {
	const bot = await startBot({ config, logger });
	const shutdown = (signal: string) => {
		logger.info({ signal }, 'shutting down: finishing work in flight');
		bot.stop().then(
			() => process.exit(0),
			(err: unknown) => {
				logger.error({ err }, 'shutdown failed');
				process.exit(1);
			},
		);
	};
	process.once('SIGINT', shutdown);
	process.once('SIGTERM', shutdown);
} catch (err) {
	if (err instanceof StartupError) {
		logger.error({}, err.message);
		process.exit(1);
	}
	logger.error({ err }, 'startup failed');
	process.exit(1);
}
