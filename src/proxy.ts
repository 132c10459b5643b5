import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type * as ProxyModule from '@discordjs/proxy';
import { REST, RESTEvents } from 'discord.js';
import { configOrExit } from './env-file.ts';
import { createLogger, redact, type Logger } from './log.ts';
import { EXIT } from './exit-codes.ts';

/**
 * Discord's own REST proxy (`npm run proxy`): one @discordjs/rest queue, and so one view of the
 * rate limits, for every process that sends through it. Each request keeps its own Authorization
 * header (the proxy holds no token); the bot points DISCORD_API_BASE at `<proxy>/api`.
 */

export interface ProxyOptions {
	/** Where requests go on to: Discord, or the emulator in tests. */
	upstream: string;
	host: string;
	/** 0 picks a free port. */
	port: number;
	/** Discord's global limit for this bot (50 unless Discord raised it). */
	globalPerSecond: number;
	logger: Logger;
}

export interface RunningProxy {
	/** What a bot sets as DISCORD_API_BASE. */
	readonly apiBase: string;
	readonly port: number;
	/** Stops taking requests and waits for those in flight (at most `graceMs`). */
	close(graceMs?: number): Promise<void>;
}

/** The path @discordjs/proxy strips is `/api[/vN]`; a base given without `/api` would reach Discord as `/api/v10/v10/…`. */
function withApiPrefix(req: IncomingMessage): void {
	if (req.url && !/^\/api(\/|$|\?)/.test(req.url)) req.url = `/api${req.url.startsWith('/') ? '' : '/'}${req.url}`;
}

/*
 * discord.js is CommonJS, and so is the @discordjs/rest its REST comes from; the proxy's ESM build
 * would load the other copy, whose DiscordAPIError a 404 from Discord is not an instance of, and
 * answer every Discord error with a 502. Required, the proxy shares discord.js's copy.
 */
const { proxyRequests } = createRequire(import.meta.url)('@discordjs/proxy') as typeof ProxyModule;

/**
 * The proxy counts a request when it sends it, Discord when it arrives. A window's first request
 * may arrive late (a new connection, a busy upstream) while the next window's go out on warm ones:
 * waiting this long past each full window, rather than discord.js's 50 ms, keeps them in Discord's next window.
 */
const WINDOW_MARGIN_MS = 100;

/**
 * @discordjs/proxy hands the request stream on as the body, and @discordjs/rest reads it again on
 * a retry (after a 429 or a 5xx): the second attempt would go out empty. A buffer reads the same every time.
 */
async function replayable(req: IncomingMessage): Promise<IncomingMessage> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Object.assign(Buffer.concat(chunks), { method: req.method, url: req.url, headers: req.headers }) as unknown as IncomingMessage;
}

export async function startRestProxy(opts: ProxyOptions): Promise<RunningProxy> {
	const { logger } = opts;
	// No token: each request's own Authorization header is forwarded as it came.
	const rest = new REST({ api: opts.upstream, globalRequestsPerSecond: opts.globalPerSecond, offset: WINDOW_MARGIN_MS });
	rest.on(RESTEvents.RateLimited, (info) =>
		logger.debug({ global: info.global, route: info.route, waitMs: Math.round(info.timeToReset) }, 'waiting for a Discord rate limit'),
	);
	const handle = proxyRequests(rest);
	const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
		const started = Date.now();
		withApiPrefix(req);
		// @discordjs/proxy ends the response (status untouched) before rethrowing an error it does not
		// know, such as Discord unreachable: preset 502 so the bot retries instead of reading an empty 200.
		res.statusCode = 502;
		res.once('finish', () =>
			logger.debug(
				{ method: req.method, route: redact((req.url ?? '').replace(/\?.*/, '')), status: res.statusCode, ms: Date.now() - started },
				'proxied a request',
			),
		);
		replayable(req)
			.then((buffered) => handle(buffered, res))
			.catch((err: unknown) => logger.warn({ err, method: req.method }, 'the REST proxy could not reach Discord; answered 502'));
	});
	server.keepAliveTimeout = 65_000;
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.port, opts.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const { port } = server.address() as AddressInfo;
	const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
	const apiBase = `http://${host}:${port}/api`;
	logger.info({ host: opts.host, port, upstream: redact(opts.upstream), globalPerSecond: opts.globalPerSecond }, 'REST proxy listening');
	return {
		apiBase,
		port,
		close(graceMs = 10_000) {
			return new Promise<void>((resolve) => {
				const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
				deadline.unref();
				server.close(() => {
					clearTimeout(deadline);
					resolve();
				});
				server.closeIdleConnections();
			});
		},
	};
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const config = configOrExit();
	const logger = createLogger(config.LOG_LEVEL, undefined, config.LOG_FORMAT ? { format: config.LOG_FORMAT } : {}).child({ part: 'rest-proxy' });
	try {
		const proxy = await startRestProxy({
			upstream: config.PROXY_UPSTREAM,
			host: config.PROXY_HOST,
			port: config.PROXY_PORT,
			globalPerSecond: config.REST_GLOBAL_PER_SECOND,
			logger,
		});
		let stopping = false;
		const stop = (signal: string) => {
			if (stopping) return;
			stopping = true;
			logger.info({ signal }, 'stopping the REST proxy: finishing requests in flight');
			void proxy.close().then(() => {
				logger.info({}, 'stopped');
				process.exit(EXIT.ok);
			});
		};
		for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stop(signal));
	} catch (err) {
		logger.error({ err, host: config.PROXY_HOST, port: config.PROXY_PORT }, 'could not start the REST proxy');
		process.exit(EXIT.failed);
	}
}
