import cron, { type RunCoordinator, type ScheduledTask } from 'node-cron';
import type { Logger } from '../log.ts';
import type { Leases, Ledger } from '../store/store.ts';

/** Prefix of the store leases that elect one process per cron fire. */
export const FLEET_LOCK_PREFIX = 'cron:';
/** The daily ledger sweep: 04:17 UTC, away from the round hours most subscriptions pick. */
export const SWEEP_CRON = '17 4 * * *';
/** A fire's lease outlives any clock skew between machines; it is never released early (see below). */
export const FLEET_LEASE_MS = 10 * 60_000;

/**
 * node-cron's distributed coordination over our store's lease (Redis `SET NX PX`, or the SQLite
 * lease table when several processes share one file). node-cron keys each fire by task name and
 * scheduled slot, so the first process to take the lease runs that fire and the others skip it.
 * The lease is left to expire rather than released on completion: a peer whose timer fires a
 * moment later would otherwise find it free and run the same fire again.
 */
export function storeRunCoordinator(leases: Pick<Leases, 'tryLock'>, logger?: Logger): RunCoordinator {
	return {
		async shouldRun(key, ttlMs) {
			const elected = await leases.tryLock(`${FLEET_LOCK_PREFIX}${key}`, Math.max(ttlMs, FLEET_LEASE_MS));
			logger?.debug({ key, elected }, elected ? 'fleet job elected here' : 'fleet job runs elsewhere');
			return elected;
		},
	};
}

export interface FleetJobsOptions {
	leases: Pick<Leases, 'tryLock'>;
	/** Swept once a day for records past their ttl. */
	ledger: Pick<Ledger, 'sweepExpired'>;
	logger: Logger;
	/** Tests fire every second; production once a day. */
	sweepPattern?: string;
	/** Called after each sweep this process ran (tests count runs). */
	onSweep?: (removed: number) => void;
}

export interface FleetJobs {
	tasks: ScheduledTask[];
	stop(): Promise<void>;
}

/** Jobs that must run once for the whole fleet, whichever process wins each fire. */
export function scheduleFleetJobs(opts: FleetJobsOptions): FleetJobs {
	const log = opts.logger.child({ part: 'fleet' });
	const coordinator = storeRunCoordinator(opts.leases, log);
	const sweep = cron.schedule(
		opts.sweepPattern ?? SWEEP_CRON,
		async () => {
			try {
				const removed = await opts.ledger.sweepExpired();
				log.info({ removed }, 'expired ledger records swept');
				opts.onSweep?.(removed);
			} catch (err) {
				log.error({ err }, 'ledger sweep failed; the next fire retries');
			}
		},
		{ name: 'fleet:sweep', timezone: 'UTC', noOverlap: true, distributed: true, runCoordinator: coordinator, distributedLease: FLEET_LEASE_MS },
	);
	sweep.unref();
	const tasks = [sweep];
	return {
		tasks,
		async stop() {
			for (const t of tasks) await t.destroy();
		},
	};
}
