import type { Logger } from '../log.ts';
import type { Backend } from './backend.ts';

/**
 * The store lost the data it held (a deleted SQLite file, a Redis that restarted empty): writes
 * are refused rather than confirmed into storage that will not keep them. Callers answer it as
 * "storage unavailable", not as a generic failure.
 */
export class StoreUnavailableError extends Error {
	override name = 'StoreUnavailableError';
	constructor(readonly reason: string) {
		super(`store unavailable: ${reason}; writes are refused until the bot is restarted`);
	}
}

/**
 * Watches that the store is still the one this process has been writing to. A generation counter
 * in the store goes up before every write, and the process remembers the highest value it saw:
 * - the counter gone, or the SQLite file gone from its path: the data is lost. Logged once as an
 *   error; every later write throws StoreUnavailableError.
 * - the counter lower than what this process saw: the store went back in time (restored from an
 *   older snapshot, a failover). Logged as an error, the lower value adopted, and `rollbacks`
 *   counts it, so delivery checks channels against their recent messages before posting again.
 * Several processes share one counter; it only grows, so each compares it with its own highest.
 */
export interface Guard {
	/** Before every write. Throws StoreUnavailableError when the data is lost. */
	beforeWrite(): Promise<void>;
	/** The same check without writing: a timer, a reconnect, a delivery about to trust the ledger. */
	check(): Promise<void>;
	/** How many times this process has seen the store go back in time. */
	readonly rollbacks: number;
	/** When it last noticed (ms since the epoch); null before any rollback. */
	readonly rolledBackAt: number | null;
	/** Another sign of a rollback (a ledger missing entries this process wrote): counted unless the counter already told. */
	suspect(evidence: string): Promise<void>;
	stop(): void;
}

export interface GuardOptions {
	/** The counter's value after the write at open. */
	initial: number;
	/** The store as an operator knows it: a file path or Redis host, never a password. */
	where: string;
	/** How often the store is checked while nothing writes; 0 turns the timer off. */
	intervalMs: number;
}

export function createGuard(backend: Backend, logger: Logger, opts: GuardOptions): Guard {
	let highest = opts.initial;
	let rollbacks = 0;
	let rolledBackAt: number | null = null;
	let lost: string | null = null;
	let checking: Promise<void> | undefined;

	function markLost(reason: string): never {
		if (lost === null) {
			lost = reason;
			logger.error(
				{ store: opts.where, reason },
				'the store lost its data: writes are refused (nothing is confirmed that would be lost, and no digest goes out again from an empty ledger). ' +
					'Put the data back (a backup) or accept the loss, then restart the bot; run Redis with AOF persistence',
			);
		}
		throw new StoreUnavailableError(lost);
	}

	function rolledBack(details: Record<string, unknown>): void {
		rollbacks += 1;
		rolledBackAt = Date.now();
		logger.error(
			{ store: opts.where, ...details },
			'the store went back in time (restored from an older snapshot, or a failover lost recent writes): the ledger may miss messages already posted. ' +
				'Each channel is checked against its recent messages before anything is posted there again; run Redis with AOF persistence',
		);
	}

	/** `value` read when this process had seen `floor` (in rollback epoch `epoch`); it must be at least `min`. */
	function observe(value: number | null, min: number, epoch: number): void {
		if (value === null) {
			markLost(
				backend.kind === 'redis'
					? `Redis at ${opts.where} no longer holds the bot's data (its generation marker is gone): it restarted empty or was flushed`
					: `the SQLite store at ${opts.where} lost its generation marker: its records were removed or replaced`,
			);
		}
		// A reply to a request sent before the last rollback was noticed proves nothing new.
		if (epoch === rollbacks && value < min) {
			rolledBack({ generation: value, expectedAtLeast: min });
			highest = value;
		} else highest = Math.max(highest, value);
	}

	async function lostFile(): Promise<void> {
		if (lost !== null) throw new StoreUnavailableError(lost);
		const reason = await backend.lostReason();
		if (reason !== null) markLost(`${reason}; the bot was writing into a file no one will open again`);
	}

	async function check(): Promise<void> {
		await lostFile();
		const [min, epoch] = [highest, rollbacks];
		observe(await backend.readGeneration(), min, epoch);
	}

	const timer = opts.intervalMs > 0 ? setInterval(() => void guard.check().catch(() => undefined), opts.intervalMs) : undefined;
	timer?.unref();
	backend.onReconnect(() => void guard.check().catch(() => undefined));

	const guard: Guard = {
		async beforeWrite() {
			await lostFile();
			const [min, epoch] = [highest + 1, rollbacks];
			observe(await backend.bumpGeneration(), min, epoch);
		},
		check() {
			// Concurrent deliveries share one read.
			checking ??= check().finally(() => (checking = undefined));
			return checking;
		},
		get rollbacks() {
			return rollbacks;
		},
		get rolledBackAt() {
			return rolledBackAt;
		},
		async suspect(evidence) {
			const before = rollbacks;
			await guard.check();
			if (rollbacks === before) rolledBack({ evidence });
		},
		stop() {
			if (timer) clearInterval(timer);
		},
	};
	return guard;
}
