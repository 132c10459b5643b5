import { DefaultRestOptions, type RESTOptions } from 'discord.js';
import type { DeliveryOutcome } from '../delivery/deliver.ts';
import type { Metrics } from './metrics.ts';

/** A delivery's outcome as counts: what was sent, and what stopped it. */
export function countOutcome(metrics: Metrics, outcome: DeliveryOutcome): void {
	if (outcome.kind === 'delivered') {
		metrics.digestsDelivered.inc(outcome.dates.length);
		metrics.messagesSent.inc(outcome.messages);
		metrics.papersSent.inc(outcome.papers);
	} else if (outcome.kind === 'paused') {
		metrics.messagesSent.inc(outcome.messages);
		metrics.failures.inc({ kind: 'pause' });
		metrics.pauses.inc();
	} else if (outcome.kind === 'retry') {
		metrics.messagesSent.inc(outcome.messages);
		metrics.failures.inc({ kind: 'retry' });
	}
}

/**
 * discord.js's own request function, timed: every request to Discord (or a REST proxy), with its
 * method and status, and each 429 by the scope Discord gave (user, global, shared).
 */
export function timedRequests(metrics: Metrics): RESTOptions['makeRequest'] {
	const send = DefaultRestOptions.makeRequest;
	return async (url, init) => {
		const end = metrics.restSeconds.startTimer({ method: init.method ?? 'GET' });
		try {
			const res = await send(url, init);
			end({ status: String(res.status) });
			if (res.status === 429) metrics.rateLimited.inc({ scope: res.headers.get('x-ratelimit-scope') ?? 'unknown' });
			return res;
		} catch (err) {
			end({ status: 'error' });
			throw err;
		}
	};
}
