import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * What an operator alerts on, in Prometheus form. One registry per running bot: tests start
 * several in one process, and the default global registry would mix them.
 */
export interface Metrics {
	readonly registry: Registry;
	readonly digestsDelivered: Counter;
	readonly messagesSent: Counter;
	readonly papersSent: Counter;
	readonly failures: Counter<'kind'>;
	readonly pauses: Counter;
	readonly restSeconds: Histogram<'method' | 'status'>;
	readonly rateLimited: Counter<'scope'>;
}

/** Read at scrape time, so the figures are never stale and nothing is kept up to date between scrapes. */
export interface LiveFigures {
	queueDepth(): number;
	archivePapers(): number;
	archiveDigests(): number;
	/** The newest digest's date, `YYYY-MM-DD`, if any. */
	lastDigestDate(): string | undefined;
}

export function createMetrics(live: LiveFigures): Metrics {
	const registry = new Registry();
	collectDefaultMetrics({ register: registry });
	const registers = [registry];
	new Gauge({
		name: 'paperboy_delivery_queue_depth',
		help: 'Channels being delivered to or waiting to retry',
		registers,
		collect() {
			this.set(live.queueDepth());
		},
	});
	new Gauge({
		name: 'paperboy_archive_papers',
		help: 'Distinct papers in the archive',
		registers,
		collect() {
			this.set(live.archivePapers());
		},
	});
	new Gauge({
		name: 'paperboy_archive_digests',
		help: 'Digest days in the archive',
		registers,
		collect() {
			this.set(live.archiveDigests());
		},
	});
	new Gauge({
		name: 'paperboy_last_digest_timestamp_seconds',
		help: 'The newest digest day (midnight UTC) as a Unix time; alert when it stops moving',
		registers,
		collect() {
			const date = live.lastDigestDate();
			if (date) this.set(Date.parse(`${date}T00:00:00Z`) / 1000);
		},
	});
	return {
		registry,
		digestsDelivered: new Counter({ name: 'paperboy_digests_delivered_total', help: 'Digests a channel finished receiving', registers }),
		messagesSent: new Counter({ name: 'paperboy_messages_sent_total', help: 'Messages Discord accepted', registers }),
		papersSent: new Counter({ name: 'paperboy_papers_sent_total', help: 'Papers in the messages Discord accepted', registers }),
		failures: new Counter({
			name: 'paperboy_delivery_failures_total',
			help: 'Deliveries stopped by a failure, by what it meant',
			labelNames: ['kind'],
			registers,
		}),
		pauses: new Counter({ name: 'paperboy_subscription_pauses_total', help: 'Subscriptions paused because Discord refused the channel', registers }),
		restSeconds: new Histogram({
			name: 'paperboy_rest_request_duration_seconds',
			help: 'Requests to Discord (or the REST proxy), by method and status',
			labelNames: ['method', 'status'],
			buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
			registers,
		}),
		rateLimited: new Counter({ name: 'paperboy_rest_rate_limited_total', help: '429 answers from Discord, by scope', labelNames: ['scope'], registers }),
	};
}
