import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.ts';
import type { Metrics } from './metrics.ts';

/** One thing `/readyz` waits on: null when it is fine, else why not, in words an operator acts on. */
export type ReadinessCheck = () => Promise<string | null>;

export interface HealthServer {
	/** The port actually bound (useful when 0 was asked for). */
	readonly port: number;
	close(): Promise<void>;
}

/** A check that takes longer than this counts as failed: a stalled store must not stall the probe. */
const CHECK_TIMEOUT_MS = 2_000;

function withTimeout(check: ReadinessCheck): Promise<string | null> {
	return new Promise((resolve) => {
		const timer = setTimeout(() => resolve(`no answer within ${CHECK_TIMEOUT_MS} ms`), CHECK_TIMEOUT_MS);
		check().then(
			(r) => {
				clearTimeout(timer);
				resolve(r);
			},
			(err: unknown) => {
				clearTimeout(timer);
				resolve(err instanceof Error ? err.message : String(err));
			},
		);
	});
}

/**
 * `/healthz` (the process answers), `/readyz` (every check passes; 503 names those that do not)
 * and `/metrics` (Prometheus text). Plain HTTP on a loopback address by default: what it tells
 * is for the operator's own probes and scraper, not for the world.
 */
export async function startHealthServer(opts: {
	host: string;
	port: number;
	checks: Record<string, ReadinessCheck>;
	metrics: Metrics;
	logger: Logger;
}): Promise<HealthServer> {
	const server: Server = createServer((req, res) => {
		const path = (req.url ?? '/').split('?')[0];
		const send = (status: number, type: string, body: string) => {
			res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
			res.end(body);
		};
		if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed\n');
		if (path === '/healthz') return send(200, 'text/plain', 'ok\n');
		if (path === '/readyz') {
			void Promise.all(Object.entries(opts.checks).map(async ([name, check]) => [name, await withTimeout(check)] as const)).then((results) => {
				const failing = Object.fromEntries(results.filter(([, reason]) => reason !== null));
				if (Object.keys(failing).length === 0) return send(200, 'application/json', `${JSON.stringify({ ready: true })}\n`);
				send(503, 'application/json', `${JSON.stringify({ ready: false, failing })}\n`);
			});
			return;
		}
		if (path === '/metrics') {
			void opts.metrics.registry.metrics().then(
				(text) => send(200, opts.metrics.registry.contentType, text),
				(err: unknown) => {
					opts.logger.warn({ err }, 'metrics could not be collected');
					send(500, 'text/plain', 'metrics could not be collected\n');
				},
			);
			return;
		}
		send(404, 'text/plain', 'not found: try /healthz, /readyz or /metrics\n');
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.port, opts.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const port = (server.address() as AddressInfo).port;
	opts.logger.info({ host: opts.host, port }, 'health and metrics listening');
	return {
		port,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
