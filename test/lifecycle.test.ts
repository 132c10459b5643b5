import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { digestMarkdown, papersFor } from './helpers/digests.ts';
import { killAll, spawnBot, type BotProcess, type LogLine } from './helpers/process.ts';
import { cleanupRedisNamespace, REDIS_URL, redisAvailable, uniqueRedisNamespace } from './helpers/redis.ts';

/** The exit codes the README promises a supervisor. */
const EXIT = { ok: 0, deadline: 2, refused: 78 };

const msgOf = (l: LogLine): string => String(l.msg ?? '');

/** Resolves with the exit code, or fails naming the last lines when the process outlives `ms`. */
async function exitWithin(bot: BotProcess, ms: number): Promise<number | null> {
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<never>((_, reject) => {
		timer = setTimeout(
			() =>
				reject(
					new Error(
						`still running after ${ms} ms; last lines:\n${bot.logs
							.slice(-8)
							.map((l) => JSON.stringify(l))
							.join('\n')}`,
					),
				),
			ms,
		);
	});
	try {
		return await Promise.race([bot.exited, late]);
	} finally {
		clearTimeout(timer);
	}
}

describe('the bot process against the emulator', () => {
	let emu: Emulator;
	let dir: string;
	let n = 0;
	beforeAll(async () => {
		emu = await startEmulator();
		emu.addGuild({ channels: 1 });
		dir = await mkdtemp(join(tmpdir(), 'paperboy-life-'));
	});
	afterAll(async () => {
		await killAll();
		await emu.stop();
		await rm(dir, { recursive: true, force: true });
	});

	const env = async (extra: Record<string, string> = {}): Promise<Record<string, string>> => {
		n += 1;
		await mkdir(join(dir, `digests-${n}`));
		return {
			DISCORD_TOKEN: emu.token,
			DISCORD_API_BASE: emu.apiBase,
			DIGEST_DIR: join(dir, `digests-${n}`),
			STORE_URL: `sqlite://${join(dir, `state-${n}.sqlite`)}`,
			LOG_FORMAT: 'json',
			...extra,
		};
	};

	it('a token revoked while running (gateway close 4004): an error line with the fix, a graceful stop, exit 78', async () => {
		const bot = spawnBot('src/main.ts', await env());
		await bot.waitForLog((l) => l.msg === 'ready', 30_000);
		expect(emu.closeGateway(4004)).toBe(1);
		expect(await exitWithin(bot, 20_000)).toBe(EXIT.refused);
		const error = bot.logs.find((l) => l.level === 'error' && msgOf(l).includes('4004'));
		expect(error, 'an error line naming the close code').toBeDefined();
		expect(msgOf(error!)).toMatch(/Reset Token/);
		expect(msgOf(error!)).toMatch(/DISCORD_TOKEN/);
		// 'stopped' is written once the last step, closing the store, has finished.
		const msgs = bot.logs.map(msgOf);
		expect(msgs.indexOf('stopped')).toBeGreaterThan(msgs.indexOf(msgOf(error!)));
		expect(bot.logs.find((l) => l.msg === 'shutting down: finishing work in flight')).toMatchObject({ reason: 'gateway closed with 4004' });
	}, 60_000);

	it('start:sharded: a shard Discord refuses (4004) is not restarted; the manager stops every shard and exits 78', async () => {
		const manager = spawnBot('src/shard.ts', await env());
		await manager.waitForLog((l) => l.msg === 'all shards ready', 40_000);
		const session = emu.sessions()[0]?.id;
		expect(emu.closeGateway(4004)).toBe(1);
		expect(await exitWithin(manager, 30_000)).toBe(EXIT.refused);
		expect(manager.logs.some((l) => l.level === 'error' && msgOf(l).includes('4004') && /Reset Token/.test(msgOf(l)))).toBe(true);
		expect(manager.logs.some((l) => l.msg === 'stopped')).toBe(true);
		// A respawned shard would have identified again, and been refused again, without end.
		expect(emu.sessions()[0]?.id).toBe(session);
		expect(manager.logs.filter((l) => l.msg === 'shard process started')).toHaveLength(1);
	}, 90_000);

	it('a close discord.js recovers from (4000) is no reason to stop', async () => {
		const bot = spawnBot('src/main.ts', await env());
		await bot.waitForLog((l) => l.msg === 'ready', 30_000);
		emu.closeGateway(4000);
		await bot.waitForLog((l) => l.msg === 'gateway resumed', 20_000);
		expect(bot.child.exitCode).toBeNull();
		expect(bot.logs.filter((l) => l.level === 'error')).toEqual([]);
		await bot.kill('SIGTERM');
		expect(await bot.exited).toBe(EXIT.ok);
	}, 60_000);

	it('a token Discord rejects at login exits 78: starting again unchanged cannot help', async () => {
		const bot = spawnBot('src/main.ts', await env({ DISCORD_TOKEN: 'MTIzNDU2Nzg5MDEyMzQ1Njc4.wrong.not-the-token' }));
		expect(await exitWithin(bot, 30_000)).toBe(EXIT.refused);
		expect(bot.logs.some((l) => l.level === 'error' && /Could not log in/.test(msgOf(l)))).toBe(true);
	}, 60_000);

	it('SIGHUP (a closing terminal) stops as gracefully as SIGTERM: work finished, exit 0', async () => {
		const bot = spawnBot('src/main.ts', await env());
		await bot.waitForLog((l) => l.msg === 'ready', 30_000);
		await bot.kill('SIGHUP');
		expect(await bot.exited).toBe(EXIT.ok);
		expect(bot.child.signalCode).toBeNull();
		expect(bot.logs.find((l) => l.msg === 'shutting down: finishing work in flight')).toMatchObject({ reason: 'SIGHUP' });
		expect(bot.logs.some((l) => l.msg === 'stopped')).toBe(true);
	}, 60_000);
});

/**
 * A Discord whose gateway refuses the intents at IDENTIFY, before any READY: just enough REST
 * (`GET /gateway/bot`) and gateway (HELLO, then close 4014) for discord.js to log in that far.
 */
async function refusingDiscord(code: number): Promise<{ apiBase: string; identified: () => number; stop: () => Promise<void> }> {
	const http: HttpServer = createHttpServer((req, res) => {
		if (req.url?.endsWith('/gateway/bot')) {
			const { port } = http.address() as { port: number };
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(
				JSON.stringify({
					url: `ws://127.0.0.1:${port}`,
					shards: 1,
					session_start_limit: { total: 1000, remaining: 1000, reset_after: 86_400_000, max_concurrency: 1 },
				}),
			);
			return;
		}
		res.writeHead(404, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ code: 0, message: '404: Not Found' }));
	});
	const wss = new WebSocketServer({ server: http });
	let identifies = 0;
	wss.on('connection', (ws) => {
		ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 45_000 }, s: null, t: null }));
		ws.on('message', (data: Buffer) => {
			const payload = JSON.parse(data.toString('utf8')) as { op: number };
			if (payload.op !== 2) return;
			identifies += 1;
			ws.close(code, 'Disallowed intent(s).');
		});
	});
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	const { port } = http.address() as { port: number };
	return {
		apiBase: `http://127.0.0.1:${port}/api`,
		identified: () => identifies,
		stop: async () => {
			for (const ws of wss.clients) ws.terminate();
			await new Promise<void>((resolve) => wss.close(() => resolve()));
			await new Promise<void>((resolve) => http.close(() => resolve()));
		},
	};
}

describe('a gateway that refuses the bot before READY', () => {
	let dir: string;
	beforeAll(async () => {
		dir = await mkdtemp(join(tmpdir(), 'paperboy-refused-'));
	});
	afterAll(async () => {
		await killAll();
		await rm(dir, { recursive: true, force: true });
	});

	it('disallowed intents (4014) at IDENTIFY: an error line with the fix, the store closed, exit 78', async () => {
		const discord = await refusingDiscord(4014);
		try {
			const bot = spawnBot('src/main.ts', {
				DISCORD_TOKEN: 'MTIzNDU2Nzg5MDEyMzQ1Njc4.refused.intents-test',
				DISCORD_API_BASE: discord.apiBase,
				DIGEST_DIR: join(dir, 'digests'),
				STORE_URL: `sqlite://${join(dir, 'state.sqlite')}`,
				LOG_FORMAT: 'json',
			});
			expect(await exitWithin(bot, 30_000)).toBe(EXIT.refused);
			expect(discord.identified()).toBe(1); // refused once, not retried
			const error = bot.logs.find((l) => l.level === 'error' && msgOf(l).includes('4014'));
			expect(error, 'an error line naming the close code').toBeDefined();
			expect(msgOf(error!)).toMatch(/Privileged Gateway Intents/);
			expect(bot.logs.some((l) => l.level === 'error' && /^Could not start/.test(msgOf(l)))).toBe(true);
			expect(bot.logs.some((l) => l.msg === 'ready')).toBe(false);
		} finally {
			await discord.stop();
		}
	}, 60_000);
});

/**
 * Real Redis behind a real TCP hop the test controls: `stall()` stops passing the bot's
 * commands on, as a Redis that hangs (or a network that drops packets) would.
 */
async function stallableRedis(): Promise<{ url: string; stall: () => void; stop: () => Promise<void> }> {
	const target = new URL(REDIS_URL);
	let stalled = false;
	const sockets = new Set<Socket>();
	const server: Server = createServer((client) => {
		const upstream = connect(Number(target.port || 6379), target.hostname);
		sockets.add(client).add(upstream);
		client.on('data', (chunk) => void (stalled || upstream.write(chunk)));
		upstream.on('data', (chunk) => void (stalled || client.write(chunk)));
		const end = () => {
			client.destroy();
			upstream.destroy();
		};
		client.on('error', end).on('close', end);
		upstream.on('error', end).on('close', end);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	const auth = target.username || target.password ? `${target.username}:${target.password}@` : '';
	return {
		url: `redis://${auth}127.0.0.1:${port}${target.pathname}`,
		stall: () => void (stalled = true),
		stop: async () => {
			for (const s of sockets) s.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

describe.skipIf(!redisAvailable)('a stop that cannot finish (Redis stalls)', () => {
	let emu: Emulator;
	let dir: string;
	const namespaces: string[] = [];
	beforeAll(async () => {
		emu = await startEmulator();
		emu.addGuild({ channels: 1 });
		dir = await mkdtemp(join(tmpdir(), 'paperboy-stall-'));
	});
	afterAll(async () => {
		await killAll();
		await emu.stop();
		for (const ns of namespaces) await cleanupRedisNamespace(ns);
		await rm(dir, { recursive: true, force: true });
	});

	const TIMEOUT_S = 2;

	/** A bot on the stalling Redis, with a digest scan stuck on the store by the time it returns. */
	async function stuckBot(name: string): Promise<{ bot: BotProcess; redis: Awaited<ReturnType<typeof stallableRedis>> }> {
		const redis = await stallableRedis();
		const namespace = uniqueRedisNamespace(`life-${name}`);
		namespaces.push(namespace);
		const digests = join(dir, name);
		await mkdir(digests, { recursive: true });
		const bot = spawnBot('src/main.ts', {
			DISCORD_TOKEN: emu.token,
			DISCORD_API_BASE: emu.apiBase,
			DIGEST_DIR: digests,
			STORE_URL: redis.url,
			STORE_NAMESPACE: namespace,
			SCAN_INTERVAL_SECONDS: '1',
			SHUTDOWN_TIMEOUT_SECONDS: String(TIMEOUT_S),
			LOG_FORMAT: 'json',
		});
		// Start-up ends with the scheduler reading the subscriptions; stall only after that.
		await bot.waitForLog((l) => l.msg === 'scheduler started; catching up', 30_000);
		redis.stall();
		// A new digest: the scan that finds it asks the store for the subscriptions, and waits.
		await writeFile(join(digests, '2024-12-09.md'), digestMarkdown('2024-12-09', papersFor('2024-12-09', 2)));
		await bot.waitForLog((l) => l.msg === 'digest folder changed', 20_000);
		return { bot, redis };
	}

	it('SIGTERM: after SHUTDOWN_TIMEOUT_SECONDS it names what was unfinished and exits 2', async () => {
		const { bot, redis } = await stuckBot('deadline');
		try {
			const sent = Date.now();
			process.kill(bot.pid, 'SIGTERM');
			const code = await exitWithin(bot, (TIMEOUT_S + 10) * 1000);
			const took = Date.now() - sent;
			expect(code).toBe(EXIT.deadline);
			expect(took).toBeGreaterThanOrEqual(TIMEOUT_S * 1000 - 100);
			const line = bot.logs.find((l) => l.level === 'error' && /SHUTDOWN_TIMEOUT_SECONDS/.test(msgOf(l)));
			expect(line, 'a line saying the deadline passed').toBeDefined();
			expect(line!['unfinished']).toEqual(expect.arrayContaining(['the digest scan in flight', 'closing the store']));
			expect(msgOf(line!)).toContain('the digest scan in flight');
			expect(bot.logs.some((l) => l.msg === 'stopped')).toBe(false);
		} finally {
			await redis.stop();
		}
	}, 60_000);

	it('a second SIGTERM or a SIGINT during the stop is logged and does not cut it short', async () => {
		const { bot, redis } = await stuckBot('twice');
		try {
			const sent = Date.now();
			process.kill(bot.pid, 'SIGTERM');
			await bot.waitForLog((l) => l.msg === 'shutting down: finishing work in flight', 5000);
			process.kill(bot.pid, 'SIGTERM');
			await bot.waitForLog((l) => l.msg?.startsWith('shutdown already in progress') === true && l['reason'] === 'SIGTERM', 5000);
			process.kill(bot.pid, 'SIGINT');
			await bot.waitForLog((l) => l.msg?.startsWith('shutdown already in progress') === true && l['reason'] === 'SIGINT', 5000);
			expect(bot.logs.filter((l) => l.msg?.startsWith('shutdown already in progress'))).toHaveLength(2);
			expect(bot.child.exitCode).toBeNull();
			expect(await exitWithin(bot, (TIMEOUT_S + 10) * 1000)).toBe(EXIT.deadline);
			expect(bot.child.signalCode).toBeNull(); // it exited on its own, not killed by a signal
			expect(Date.now() - sent).toBeGreaterThanOrEqual(TIMEOUT_S * 1000 - 100);
		} finally {
			await redis.stop();
		}
	}, 60_000);
});
