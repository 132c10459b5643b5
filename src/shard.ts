import { fileURLToPath } from 'node:url';
import { REST, Routes, ShardingManager } from 'discord.js';
import { ConfigError, type Config } from './config.ts';
import { configOrExit } from './env-file.ts';
import { createLogger, registerSecret, type Logger } from './log.ts';
import { EXIT } from './exit-codes.ts';
import { startRestProxy } from './proxy.ts';

/**
 * One machine, several shard processes (`npm run start:sharded`): discord.js's ShardingManager
 * forks `src/main.ts` once per shard, each with its own gateway connection and scheduler, all
 * sharing the store (use Redis, or one SQLite file on this machine). SHARD_COUNT is the fleet's
 * total (default: what Discord recommends); SHARD_IDS the shards this machine runs (default: all).
 */

/** Compiled (`npm run start:sharded` runs dist/), the shards run the compiled main on plain node too. */
const COMPILED = import.meta.url.endsWith('.js');
const MAIN = fileURLToPath(new URL(COMPILED ? './main.js' : './main.ts', import.meta.url));

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
	/**
	 * A shard exited because Discord refused the bot (a revoked token, say): every shard would be
	 * refused the same way, so it is not restarted and the caller stops the others.
	 */
	onRefused?: (shardId: number) => void;
}

/**
 * REST_PROXY=embedded: one REST proxy in this process, on a free loopback port, between every
 * shard and DISCORD_API_BASE, so the shards share one rate-limit state. The gateway stays direct.
 */
async function embedProxy(config: Config, logger: Logger): Promise<string> {
	const proxy = await startRestProxy({
		upstream: config.DISCORD_API_BASE,
		host: '127.0.0.1',
		port: 0,
		globalPerSecond: config.REST_GLOBAL_PER_SECOND,
		logger: logger.child({ part: 'rest-proxy' }),
	});
	// The children inherit this environment; the process stays up (and the proxy with it) until they have stopped.
	process.env['DISCORD_API_BASE'] = proxy.apiBase;
	return proxy.apiBase;
}

export async function launchShards(opts: LaunchOptions): Promise<ShardingManager> {
	const { config, logger } = opts;
	if (!config.DISCORD_TOKEN) throw new ConfigError(['DISCORD_TOKEN: required to log in (see .env.example)']);
	registerSecret(config.DISCORD_TOKEN);
	const viaProxy = config.REST_PROXY === 'embedded' ? await embedProxy(config, logger) : undefined;
	const total = config.SHARD_COUNT ?? (await recommendedShardCount(viaProxy ? { ...config, DISCORD_API_BASE: viaProxy } : config));
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
		// From the sources (`npm run dev:sharded`), the children run TypeScript directly as well.
		execArgv: COMPILED ? [] : ['--import', 'tsx'],
	});
	manager.on('shardCreate', (shard) => {
		logger.info({ shard: shard.id, total }, 'shard process started');
		shard.on('death', (child) => {
			const exitCode = 'exitCode' in child ? child.exitCode : null;
			if (exitCode !== EXIT.refused) return void logger.warn({ shard: shard.id, exitCode }, 'shard process died; respawning');
			manager.respawn = false;
			logger.error({ shard: shard.id, exitCode }, 'Discord refused the bot (the shard’s error line says what to change); stopping every shard');
			// discord.js decided on this shard's respawn before telling us; let it fork, so it is stopped too.
			setImmediate(() => opts.onRefused?.(shard.id));
		});
		// A failed respawn is emitted as 'error'; unheard, it would crash the manager and orphan the other shards.
		shard.on('error', (err) => {
			if (manager.respawn) logger.error({ err, shard: shard.id }, 'shard process failed to start; it will be retried');
		});
	});
	await manager.spawn({ amount: total, delay: opts.spawnDelayMs ?? 5500, timeout: 60_000 });
	logger.info({ shards: shardList, total }, 'all shards ready');
	return manager;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const config = configOrExit();
	const logger = createLogger(config.LOG_LEVEL, undefined, config.LOG_FORMAT ? { format: config.LOG_FORMAT } : {}).child({ part: 'shards' });
	let manager: ShardingManager | undefined;
	let refused = false;
	let stopping = false;
	let exitCode: number = EXIT.ok;
	const shutdown = (signal: string, code: number = EXIT.ok) => {
		if (code !== EXIT.ok) exitCode = code;
		if (!manager) return;
		if (stopping) return void logger.warn({ signal }, 'already stopping the shard processes; waiting for them');
		stopping = true;
		const shards = [...manager.shards.values()];
		logger.info({ signal }, 'stopping shard processes');
		// Each child finishes its work in flight on SIGTERM (src/main.ts), then exits.
		manager.respawn = false;
		for (const shard of shards) shard.process?.kill('SIGTERM');
		const done = () => shards.every((s) => !s.process || s.process.exitCode !== null || s.process.signalCode !== null);
		const timer = setInterval(() => done() && process.exit(exitCode), 100);
		// Each shard has its own SHUTDOWN_TIMEOUT_SECONDS; this only catches one that ignored it.
		setTimeout(() => {
			clearInterval(timer);
			logger.error(
				{ running: shards.filter((s) => s.process && s.process.exitCode === null).map((s) => s.id) },
				'shard processes still running 60 s after the stop',
			);
			process.exit(exitCode === EXIT.ok ? EXIT.deadline : exitCode);
		}, 60_000).unref();
	};
	const onRefused = () => {
		refused = true;
		shutdown('Discord refused the bot', EXIT.refused);
	};
	try {
		manager = await launchShards({ config, logger, onRefused });
		if (refused) shutdown('Discord refused the bot', EXIT.refused);
		for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => shutdown(signal));
	} catch (err) {
		if (err instanceof ConfigError) {
			process.stderr.write(`${err.message}\n`);
			process.exit(EXIT.failed);
		}
		logger.error({ err }, 'could not start the shard processes');
		process.exit(refused ? EXIT.refused : EXIT.failed);
	}
}
