import { createLogger } from './log.ts';
import { configOrExit } from './env-file.ts';
import { startBot, StartupError, type RunningBot } from './app.ts';
import { EXIT } from './exit-codes.ts';

const config = configOrExit();
const logger = createLogger(config.LOG_LEVEL, undefined, config.LOG_FORMAT ? { format: config.LOG_FORMAT } : {});
const timeoutSeconds = config.SHUTDOWN_TIMEOUT_SECONDS;

const exitCodeOf = (err: unknown): number => (err instanceof StartupError && err.refused ? EXIT.refused : EXIT.failed);

// After start-up, Discord closing the gateway for good ends the process like a signal, but non-zero.
const stopAsked = new AbortController();
const starting = startBot({
	config,
	logger,
	onFatal: (close) => shutdown(`gateway closed with ${close.code}`, EXIT.refused),
	stopping: stopAsked.signal,
});
let bot: RunningBot | undefined;
starting.then(
	(b) => (bot = b),
	() => undefined,
);
let stopping: string | undefined;
let exitCode: number = EXIT.ok;

// Installed before start-up finishes: a signal during the archive load or login waits for it,
// then stops as gracefully as one that comes later.
function shutdown(reason: string, code: number = EXIT.ok): void {
	// Discord refusing the bot during a stop still tells the supervisor not to start it again unchanged.
	if (code !== EXIT.ok) exitCode = code;
	if (stopping) {
		// A second signal must not cut a write in half; the deadline bounds the wait instead.
		logger.warn({ reason, stopping, timeoutSeconds }, 'shutdown already in progress; waiting for it (SIGKILL ends the process at once)');
		return;
	}
	stopping = reason;
	stopAsked.abort();
	logger.info({ reason, timeoutSeconds }, 'shutting down: finishing work in flight');
	// Not unref'd: a stop waiting on nothing that keeps the process alive would otherwise exit 0.
	setTimeout(() => {
		const unfinished = bot ? bot.unfinished() : ['start-up (the archive load, the store or the login)'];
		logger.error(
			{ reason, unfinished, timeoutSeconds },
			`shutdown did not finish within SHUTDOWN_TIMEOUT_SECONDS (${timeoutSeconds} s); exiting with unfinished: ${unfinished.join(', ')}`,
		);
		process.exit(exitCode === EXIT.ok ? EXIT.deadline : exitCode);
	}, timeoutSeconds * 1000);
	starting
		.then((b) => b.stop())
		.then(
			() => process.exit(exitCode),
			(err: unknown) => {
				if (!(err instanceof StartupError)) logger.error({ err }, 'shutdown failed');
				process.exit(exitCodeOf(err));
			},
		);
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
// A closing terminal sends SIGHUP: the same graceful stop, not the default instant death.
process.on('SIGHUP', () => shutdown('SIGHUP'));
// A shard forked by the sharding manager must not outlive it (a restarted manager would run it twice).
if (process.send) process.once('disconnect', () => shutdown('sharding manager gone'));

starting.catch((err: unknown) => {
	if (err instanceof StartupError) logger.error({ refused: err.refused }, err.message);
	else logger.error({ err }, 'startup failed');
	process.exit(exitCodeOf(err));
});
