import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/store.ts';
import { startHarness, type Harness } from './helpers/bot.ts';
import { papersFor, writeDigest } from './helpers/digests.ts';
import { until } from './helpers/received.ts';
import { cleanupRedisNamespace, REDIS_URL, redisAvailable, uniqueRedisNamespace } from './helpers/redis.ts';
import { subscribe } from './helpers/subscriptions.ts';

/** The port the bot's health server bound, from its own log line. */
function healthPort(h: Harness): number {
	const line = h.logs.find((l) => l.includes('health and metrics listening'));
	if (!line) throw new Error('the health server did not start');
	return (JSON.parse(line) as { port: number }).port;
}

async function get(h: Harness, path: string): Promise<{ status: number; body: string; type: string | null }> {
	const res = await fetch(`http://127.0.0.1:${healthPort(h)}${path}`);
	return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
}

/**
 * A TCP hop in front of Redis that the test can take away and bring back on the same port: the
 * store going away is a real closed connection and refused reconnects, not a stub.
 */
async function redisHop() {
	const target = new URL(REDIS_URL);
	const sockets = new Set<Socket>();
	const listen = (port: number) =>
		new Promise<Server>((resolve) => {
			const server = createServer((client) => {
				const upstream = connect(Number(target.port || 6379), target.hostname);
				sockets.add(client).add(upstream);
				client.pipe(upstream).pipe(client);
				const end = () => {
					client.destroy();
					upstream.destroy();
				};
				client.on('error', end).on('close', end);
				upstream.on('error', end).on('close', end);
			});
			server.listen(port, '127.0.0.1', () => resolve(server));
		});
	let server = await listen(0);
	const { port } = server.address() as { port: number };
	const auth = target.username || target.password ? `${target.username}:${target.password}@` : '';
	const close = () =>
		new Promise<void>((resolve) => {
			for (const s of sockets) s.destroy();
			sockets.clear();
			server.close(() => resolve());
		});
	return {
		url: `redis://${auth}127.0.0.1:${port}${target.pathname}`,
		goAway: close,
		comeBack: async () => {
			server = await listen(port);
		},
		stop: close,
	};
}

describe('health, readiness and metrics (real bot, loopback emulator)', () => {
	let h: Harness | undefined;
	afterEach(async () => {
		await h?.stop();
		h = undefined;
	});

	it('serves /healthz, /readyz and Prometheus /metrics that count what was delivered, on loopback only by default', async () => {
		h = await startHarness({
			bot: { settleMs: 0 },
			guilds: [{ channels: 1 }],
			env: { HEALTH_PORT: '0' },
			setup: async (_emu, dir) => void (await writeDigest(`${dir}/digests`, '2024-12-09', papersFor('2024-12-09', 3))),
		});
		expect(h.logs.find((l) => l.includes('health and metrics listening'))).toContain('"host":"127.0.0.1"');
		expect((await get(h, '/healthz')).status).toBe(200);
		const ready = await get(h, '/readyz');
		expect(ready.status).toBe(200);
		expect(JSON.parse(ready.body)).toEqual({ ready: true });

		const g = h.guilds[0]!;
		await subscribe(h.store, g.id, g.channels[0]!);
		const today = new Date().toISOString().slice(0, 10);
		await writeDigest(`${h.dir}/digests`, today, papersFor(today, 7));
		await h.bot.refresh();
		await h.bot.ctx.scheduler.idle();

		const metrics = await get(h, '/metrics');
		expect(metrics.status).toBe(200);
		expect(metrics.type).toContain('text/plain');
		const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics.body)?.[1]);
		expect(value('paperboy_digests_delivered_total')).toBe(1);
		expect(value('paperboy_papers_sent_total')).toBe(7);
		expect(value('paperboy_messages_sent_total')).toBe(h.emu.messages(g.channels[0]!).length);
		expect(value('paperboy_archive_digests')).toBe(2);
		expect(value('paperboy_last_digest_timestamp_seconds')).toBe(Date.parse(`${today}T00:00:00Z`) / 1000);
		expect(metrics.body).toMatch(/^paperboy_rest_request_duration_seconds_count\{method="POST",status="200"\} [1-9]/m);
		expect(metrics.body).toContain('process_resident_memory_bytes');
		expect(metrics.body).not.toContain(h.config.DISCORD_TOKEN);
		expect((await get(h, '/nope')).status).toBe(404);
	});

	it('counts pauses and rejected messages as failures of their kind, and 429s by their scope', async () => {
		h = await startHarness({ bot: { settleMs: 0 }, guilds: [{ channels: 3 }], env: { HEALTH_PORT: '0' } });
		const g = h.guilds[0]!;
		const [denied, fine, invalid] = g.channels as [string, string, string];
		await subscribe(h.store, g.id, denied);
		await subscribe(h.store, g.id, fine);
		await subscribe(h.store, g.id, invalid);
		h.emu.fault({ method: 'POST', path: new RegExp(`/channels/${invalid}/messages$`), status: 400, code: 50035, times: 1 });
		h.emu.fault({ method: 'POST', path: new RegExp(`/channels/${denied}/messages$`), status: 403, code: 50001, times: 1 });
		h.emu.fault({ method: 'POST', path: new RegExp(`/channels/${fine}/messages$`), status: 429, retryAfter: 0.05, times: 1 });
		const today = new Date().toISOString().slice(0, 10);
		await writeDigest(`${h.dir}/digests`, today, papersFor(today, 2));
		await h.bot.refresh();
		await h.bot.ctx.scheduler.idle();
		const { body } = await get(h, '/metrics');
		expect(body).toMatch(/^paperboy_delivery_failures_total\{kind="pause"\} 1$/m);
		expect(body).toMatch(/^paperboy_subscription_pauses_total 1$/m);
		expect(body).toMatch(/^paperboy_delivery_failures_total\{kind="reject"\} 1$/m);
		expect(body).toMatch(/^paperboy_rest_rate_limited_total\{scope="[a-z]+"\} 1$/m);
	});

	describe.skipIf(!redisAvailable)('with Redis', () => {
		it('/readyz turns 503 naming the store when Redis goes away, and 200 again when it returns', async () => {
			const hop = await redisHop();
			const namespace = uniqueRedisNamespace('health');
			const store = await openStore(hop.url, { namespace, integrityCheckMs: 0, connectTimeoutMs: 500 });
			try {
				h = await startHarness({
					store,
					env: { HEALTH_PORT: '0', STORE_URL: hop.url },
					setup: async (_emu, dir) => void (await writeDigest(`${dir}/digests`, '2024-12-09', papersFor('2024-12-09', 1))),
				});
				expect((await get(h, '/readyz')).status).toBe(200);
				await hop.goAway();
				let answer = { status: 0, body: '' };
				await until(async () => (answer = await get(h!, '/readyz')).status === 503, 15_000, '/readyz to turn 503');
				expect(Object.keys((JSON.parse(answer.body) as { failing: Record<string, string> }).failing)).toEqual(['store']);
				// The process itself is fine: only readiness says the store is gone.
				expect((await get(h, '/healthz')).status).toBe(200);
				await hop.comeBack();
				await until(async () => (await get(h!, '/readyz')).status === 200, 15_000, '/readyz to be 200 again');
			} finally {
				await h?.stop();
				h = undefined;
				await store.close();
				await hop.stop();
				await cleanupRedisNamespace(namespace);
			}
		});
	});
});
