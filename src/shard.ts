import { fileURLToPath } from 'node:url';
import { REST, Routes, ShardingManager } from 'discord.js';
import { ConfigError, type Config } from './config.ts';
import { configOrExit } from './env-file.ts';
import { createLogger, registerSecret, type Logger } from './log.ts';

/**
 * One machine, several shard processes (`npm run start:sharded`): discord.js's ShardingManager
 * forks `src/main.ts` once per shard, each with its own gateway connection and scheduler, all
 * sharing the store (use Redis, or one SQLite file on this machine). SHARD_COUNT is the fleet's
 * total (default: what Discord recommends); SHARD_IDS the shards this machine runs (default: all).
 */

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

/** Discord's recommendation, asked at DISCORD_API_BASE (discord.js's own helper always asks discord.com). */
export async function recommendedShardCount(config: Config): Promise<number> {
	const rest = new REST({ api: config.DISCORD_API_BASE }).setToken(config.DISCORD_TOKEN ?? '');
	const body = (await rest.get(Routes.gatewayBot())) as { shards?: unknown };
	return typeof body.shards === 'number' && body.shards >= 1 ? body.shards : 1;
}

export interface LaunchOptions {
	config: Config;
	logger: Logger;
	/** Pause between two shard spawns; Discord allows one identify per 5 s per bucket. */
	spawnDelayMs?: number;
}

export async function launchShards(opts: LaunchOptions): Promise<ShardingManager> {
	const { config, logger } = opts;
	if (!config.DISCORD_TOKEN) throw new ConfigError(['DISCORD_TOKEN: required to log in (see .env.example)']);
	registerSecret(config.DISCORD_TOKEN);
	const total = config.SHARD_COUNT ?? (await recommendedShardCount(config));
	const shardList = config.SHARD_IDS ?? [...Array(total).keys()];
	const outOfRange = shardList.filter((id) => id >= total);
	if (outOfRange.length) throw new ConfigError([`SHARD_IDS: shards ${outOfRange.join(', ')} are not below SHARD_COUNT (${total})`]);
	// Each child gets its shard from the manager (SHARDS, SHARD_COUNT); our range must not leak into it,
	// and an empty value (read as unset) also keeps a SHARD_IDS line in .env from coming back.
	process.env['SHARD_IDS'] = '';
	const manager = new ShardingManager(MAIN, {
		token: config.DISCORD_TOKEN,
		totalShards: total,
		shardList,
		mode: 'process',
		respawn: true,
		// The children run TypeScript directly, as `npm start` does.
		execArgv: ['--import', 'tsx'],
	});
	manager.on('shardCreate', (shard) => {
		logger.info({ shard: shard.id, total }, 'shard process started');
		shard.on('death', (child) => logger.warn({ shard: shard.id, exitCode: 'exitCode' in child ? child.exitCode : null }, 'shard process died; respawning'));
		// A failed respawn is emitted as 'error'; unheard, it would crash the manager and orphan the other shards.
		shard.on('error', (err) => logger.error({ err, shard: shard.id }, 'shard process failed to start; it will be retried'));
	});
	await manager.spawn({ amount: total, delay: opts.spawnDelayMs ?? 5500, timeout: 60_000 });
	logger.info({ shards: shardList, total }, 'all shards ready');
	return manager;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const config = configOrExit();
	const logger = createLogger(config.LOG_LEVEL, undefined, config.LOG_FORMAT ? { format: config.LOG_FORMAT } : {}).child({ part: 'shards' });
	try {
		const manager = await launchShards({ config, logger });
		const shutdown = (signal: string) => {
			logger.info({ signal }, 'stopping shard processes');
			// Each child finishes its work in flight on SIGTERM (src/main.ts), then exits.
			manager.respawn = false;
			for (const shard of manager.shards.values()) shard.process?.kill('SIGTERM');
			const done = () => [...manager.shards.values()].every((s) => !s.process || s.process.exitCode !== null || s.process.signalCode !== null);
			const timer = setInterval(() => done() && process.exit(0), 100);
			setTimeout(() => {
				clearInterval(timer);
				process.exit(0);
			}, 60_000).unref();
		};
		process.once('SIGINT', shutdown);
		process.once('SIGTERM', shutdown);
	} catch (err) {
		if (err instanceof ConfigError) {
			process.stderr.write(`${err.message}\n`);
			process.exit(1);
		}
		logger.error({ err }, 'could not start the shard processes');
		process.exit(1);
	}
}
