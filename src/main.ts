import { loadConfig, ConfigError } from './config.ts';
import { createLogger } from './log.ts';
import { loadDotEnv } from './env-file.ts';
import { startBot, StartupError } from './bot/runtime.ts';

loadDotEnv();
let config;
try {
	config = loadConfig();
} catch (err) {
	if (err instanceof ConfigError) {
		process.stderr.write(`${err.message}\n`);
		process.exit(1);
	}
	throw err;
}
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
