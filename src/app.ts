import { Events, Status, type Client } from 'discord.js';
import { Archive } from './archive/archive.ts';
import { indexPath, openArchiveIndex } from './archive/index-file.ts';
import { ArchiveLoader, type ScanResult } from './archive/load.ts';
import { summariseScan } from './archive/scan-summary.ts';
import type { Config } from './config.ts';
import { registerSecret, type Logger } from './log.ts';
import { buttons, commands, menus, selects } from '../commands/index.ts';
import type { BotContext } from './bot/command.ts';
import { createClient, type ClientOverrides } from './bot/client.ts';
import { createDispatcher } from './bot/dispatcher.ts';
import { describeFatalClose, fatalClose, type FatalClose } from './bot/gateway-close.ts';
import { missingPermissions } from './bot/channels.ts';
import { notifyPaused, watchGuildLifecycle } from './bot/guild-events.ts';
import { Scheduler } from './delivery/scheduler.ts';
import { MemberAlerts, type AlertDeps } from './delivery/alerts.ts';
import { scheduleFleetJobs, type FleetJobsOptions } from './delivery/fleet.ts';
import { ledgerTtlMsFor, openStore, type Store } from './store/store.ts';
import { GitSourceError, openDigestSource } from './source/digest-source.ts';
import { scanTrigger } from './source/scan-trigger.ts';
import { watchFolder } from './source/watch-folder.ts';
import { localeOf } from './i18n.ts';
import { createMetrics } from './health/metrics.ts';
import { countOutcome, timedRequests } from './health/wiring.ts';
import { startHealthServer } from './health/server.ts';

/** The registered commands: the deploy script takes them from here, the one place that knows `commands/`. */
export { commands, menus };

export interface BotOptions {
	config: Config;
	logger: Logger;
	clientOptions?: ClientOverrides;
	now?: () => Date;
	/** An already open store (tests share one); otherwise STORE_URL is opened and closed with the bot. */
	store?: Store;
	/** How long a file must be unchanged before it is read (a producer may still be writing it). */
	settleMs?: number;
	/** Test hooks for the scheduler: second-level cron patterns, short retries. */
	scheduler?: Pick<SchedulerOptionsLike, 'cronPattern' | 'retryBaseMs' | 'retryMaxMs' | 'sweepMs' | 'channelLeaseMs' | 'leaseRetryMs'>;
	/** Members' alerts by DM: pacing and lease overrides (tests, benchmarks). */
	alerts?: Partial<Pick<AlertDeps, 'perSecond' | 'leaseMs' | 'maxAgeDays'>>;
	/** Test hooks for the once-per-fleet jobs. */
	fleet?: Pick<FleetJobsOptions, 'sweepPattern' | 'onSweep'>;
	/**
	 * Called once Discord has closed the gateway for good after start-up (a revoked token, say):
	 * discord.js stops reconnecting, so the entry point stops the bot and exits. Before start-up
	 * finished, startBot rejects instead.
	 */
	onFatal?: (close: FatalClose) => void;
	/** Aborted by a stop asked for during start-up: the archive's reading ends early, and the bot comes up only to stop. */
	stopping?: AbortSignal;
}

type SchedulerOptionsLike = ConstructorParameters<typeof Scheduler>[0];

export interface RunningBot {
	client: Client;
	ctx: BotContext;
	loader: ArchiveLoader;
	/** Members' alerts by DM (tests wait on `idle()`). */
	alerts: MemberAlerts;
	/** Scans DIGEST_DIR now (the timer does it every SCAN_INTERVAL_SECONDS). */
	refresh(): Promise<void>;
	/** Finishes what is in flight, then disconnects. Safe to call twice. */
	stop(): Promise<void>;
	/** What a stop in progress has still to finish, the step it waits on first (empty when none is). */
	unfinished(): string[];
}

export class StartupError extends Error {
	override name = 'StartupError';
	/** Discord refused the bot itself (token, intents, shards): starting again unchanged cannot help. */
	readonly refused: boolean;
	constructor(message: string, opts: { refused?: boolean } = {}) {
		super(message);
		this.refused = opts.refused ?? false;
	}
}

/** Why not every shard of this process is connected, or null when they are. */
function gatewayProblem(client: Client): string | null {
	if (!client.isReady()) return 'not logged in yet';
	const down = client.ws.shards.filter((shard) => shard.status !== Status.Ready).map((shard) => shard.id);
	return down.length ? `shard ${down.join(', ')} not connected` : null;
}

export async function startBot(opts: BotOptions): Promise<RunningBot> {
	const { config, logger } = opts;
	if (!config.DISCORD_TOKEN) throw new StartupError('DISCORD_TOKEN is not set. Put the bot token in .env (see .env.example).');
	registerSecret(config.DISCORD_TOKEN);

	// A followed repository is cloned (or checked and fetched) before the archive reads it.
	const source = await openDigestSource(config, logger.child({ part: 'source' })).catch((err: unknown) => {
		throw err instanceof GitSourceError ? new StartupError(err.message) : err;
	});
	// A shard process started by start:sharded is told its shards by discord.js, in SHARDS.
	const index = indexPath(config.ARCHIVE_INDEX, config.STORE_URL, config.SHARD_IDS?.join(',') ?? process.env['SHARDS']);
	const archive = new Archive({ db: openArchiveIndex(index, source.folder, logger.child({ part: 'archive' })) });
	const loader = new ArchiveLoader({
		dir: source.folder,
		archive,
		logger: logger.child({ part: 'archive' }),
		maxDigestMb: config.MAX_DIGEST_MB,
		...(opts.settleMs === undefined ? {} : { settleMs: opts.settleMs }),
	});
	/*
	 * The folder is read while the gateway connects and commands are answered: a first start on
	 * years of digests takes seconds, and a look-up meanwhile finds what is read so far (a miss
	 * says so). Deliveries wait for the whole folder, so nothing is posted from half an archive.
	 */
	let loading = true;
	opts.stopping?.addEventListener('abort', () => void loader.stop(), { once: true });
	const loaded = loader.loadAll().then(
		() => {
			loading = false;
			const stats = archive.stats();
			logger.info({ dir: source.folder, index: archive.indexFile() ?? 'memory', ...stats, problems: archive.problems().length }, 'archive loaded');
		},
		(err: unknown) => {
			loading = false;
			throw err;
		},
	);
	// Awaited once the gateway is up; until then a failure must not be an unhandled rejection.
	loaded.catch(() => undefined);

	const store =
		opts.store ??
		(await openStore(config.STORE_URL, {
			logger: logger.child({ part: 'store' }),
			// Delivery re-checks every date in the catch-up window against the ledger, so it must outlive the window.
			ledgerTtlMs: ledgerTtlMsFor(config.CATCH_UP_DAYS),
			...(config.STORE_NAMESPACE ? { namespace: config.STORE_NAMESPACE } : {}),
		}));
	const now = opts.now ?? (() => new Date());
	// The scheduler is made after the client whose requests the metrics time.
	const depth = { of: () => 0 };
	const metrics = createMetrics({
		queueDepth: () => depth.of(),
		archivePapers: () => archive.stats().papers,
		archiveDigests: () => archive.stats().digests,
		lastDigestDate: () => archive.latestDate(),
	});
	const client = createClient(
		config,
		{
			...(config.SHARD_IDS ? { shards: config.SHARD_IDS } : {}),
			...(config.SHARD_COUNT ? { shardCount: config.SHARD_COUNT } : {}),
			rest: { makeRequest: timedRequests(metrics) },
			...opts.clientOptions,
		},
		logger,
	);
	const scheduler = new Scheduler({
		ledger: store.ledger,
		subscriptions: store.subscriptions,
		leases: store.leases,
		archive,
		rest: client.rest,
		logger,
		now,
		catchUpDays: config.CATCH_UP_DAYS,
		editWindowMs: config.EDIT_WINDOW_HOURS * 60 * 60_000,
		// A shard's cache holds only its own guilds, so no two processes post to one channel.
		guildIds: () => client.guilds.cache.keys(),
		localeFor: (guildId) => localeOf(client.guilds.cache.get(guildId)?.preferredLocale),
		notifyPaused: (sub, why) => notifyPaused(client, sub, why, logger),
		channelGone: (sub) => client.guilds.cache.has(sub.guildId) && !client.channels.cache.has(sub.channelId),
		missingPermissions: (sub) => {
			const channel = client.channels.cache.get(sub.channelId);
			return channel && !channel.isDMBased() && channel.isTextBased() && !channel.isThread() ? missingPermissions(channel, sub.thread) : null;
		},
		onOutcome: (_sub, outcome) => countOutcome(metrics, outcome),
		onRejected: () => metrics.failures.inc({ kind: 'reject' }),
		channelLeaseMs: config.DELIVERY_LEASE_SECONDS * 1000,
		...opts.scheduler,
	});
	depth.of = () => scheduler.depth();
	const alerts = new MemberAlerts({
		members: store.members,
		leases: store.leases,
		archive,
		rest: client.rest,
		logger: logger.child({ part: 'alerts' }),
		now,
		channelsIdle: () => scheduler.idle(),
		...opts.alerts,
	});
	const ctx: BotContext = {
		archive,
		config,
		logger,
		now,
		subscriptions: store.subscriptions,
		scheduler,
		members: store.members,
		archiveReading: () => (loading ? loader.progress() : undefined),
	};
	const dispatcher = createDispatcher(commands, buttons, ctx, selects, menus);
	client.on(Events.InteractionCreate, (interaction) => void dispatcher.handle(interaction));
	client.on(Events.Error, (err) => logger.error({ err }, 'discord client error'));
	// discord.js emits this only for a close it will not recover from; before that, it reconnects by itself.
	let ready = false;
	let delivering = false;
	let fatalAtStart: ((close: FatalClose) => void) | undefined;
	client.on(Events.ShardDisconnect, (event, shard) => {
		const fatal = fatalClose(event.code, client.options.intents.toArray());
		if (!fatal) return void logger.warn({ shard, code: event.code }, 'gateway disconnected');
		logger.error({ shard, code: fatal.code, reason: fatal.name }, describeFatalClose(fatal));
		if (ready) opts.onFatal?.(fatal);
		else fatalAtStart?.(fatal);
	});
	client.on(Events.ShardResume, (shard, replayed) => logger.info({ shard, replayed }, 'gateway resumed'));
	watchGuildLifecycle(client, { subscriptions: store.subscriptions, scheduler, logger });

	/** Re-reads changed digest files; new or changed digests go to every open subscription. */
	const rescan = async (settled = false): Promise<ScanResult> => {
		const r = await (settled ? loader.loadAll() : loader.scan());
		if (r.added.length + r.changed.length + r.removed.length > 0) logger.info(summariseScan(r), 'digest folder changed');
		// Before deliveries start, their catch-up covers every date a scan finds.
		if (r.dates.length > 0 && delivering) {
			await scheduler.onDigestsChanged();
			// After the channels: a member's DM never holds up a channel's digest.
			alerts.trigger();
		}
		return r;
	};
	const refresh = async (settled = false): Promise<void> => void (await rescan(settled));
	// A slow scan (a huge archive on a slow disk) must not pile up behind itself; a file still being written is scanned again once settled.
	const scans = scanTrigger({
		scan: async () => (await rescan()).settleAt,
		onError: (err) => logger.error({ err }, 'digest scan failed'),
		maxDelayMs: config.SCAN_INTERVAL_SECONDS * 1000,
	});
	// A file that lands is scanned at once; the timer stays the safety net, as watches miss events on network file systems. A followed repository's fetch scans by itself.
	const folderWatch =
		config.DIGEST_WATCH === 'on' && !config.DIGEST_GIT_URL
			? watchFolder({
					dir: source.folder,
					onChange: () => scans.trigger(),
					logger: logger.child({ part: 'watch' }),
					scanEverySeconds: config.SCAN_INTERVAL_SECONDS,
				})
			: undefined;
	// What landed between the first load and the watch starting is found by one scan.
	void folderWatch?.check().then(() => scans.trigger());
	const scanTimer = setInterval(() => {
		void folderWatch?.check();
		scans.trigger();
	}, config.SCAN_INTERVAL_SECONDS * 1000);
	scanTimer.unref();

	// A close Discord will not take back can come before READY (disallowed intents): then no READY ever comes.
	const readyOrFatal = new Promise<FatalClose | null>((resolve) => {
		client.once(Events.ClientReady, () => resolve(null));
		fatalAtStart = resolve;
	});
	// What start-up opened, closed again when it cannot finish.
	const undo = async () => {
		await loader.stop();
		clearInterval(scanTimer);
		scans.stop();
		folderWatch?.close();
		await client.destroy();
		if (!opts.store) await store.close();
		archive.close();
	};
	try {
		const fatal = await Promise.race([client.login(config.DISCORD_TOKEN).then(() => readyOrFatal), readyOrFatal]);
		if (fatal) throw new StartupError(`Could not start: Discord closed the gateway with ${fatal.code} (${fatal.name}). ${fatal.fix}.`, { refused: true });
	} catch (err) {
		await undo();
		if (err instanceof StartupError) throw err;
		const reason = err instanceof Error ? err.message : String(err);
		const refused = (err as { code?: unknown }).code === 'TokenInvalid';
		throw new StartupError(`Could not log in to Discord: ${reason}. Check DISCORD_TOKEN and DISCORD_API_BASE.`, { refused });
	}
	ready = true;
	logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size, archiveRead: loader.progress() ?? 'all' }, 'ready');
	const health =
		config.HEALTH_PORT === undefined
			? null
			: await startHealthServer({
					host: config.HEALTH_HOST,
					port: config.HEALTH_PORT,
					metrics,
					logger,
					checks: {
						gateway: async () => gatewayProblem(client),
						store: () => store.health(),
						archive: async () => (loading ? 'the digest folder is still being read' : archive.latestDate() ? null : 'no digest loaded yet'),
					},
				});
	try {
		await loaded;
	} catch (err) {
		await health?.close();
		await undo();
		throw err;
	}
	const fleet = scheduleFleetJobs({ leases: store.leases, ledger: store.ledger, logger, ...opts.fleet });
	// A stop asked for during start-up comes next: no delivery is begun only to be cut short.
	if (!opts.stopping?.aborted) {
		// Set first, as a scan finishing while the catch-up runs has a date it may not see.
		delivering = true;
		await scheduler.start();
		// A run a restart interrupted is finished from its records.
		alerts.trigger();
	}
	const watching = source.watch({ refresh: () => refresh(true), latestDate: () => archive.latestDate(), now, everyMs: config.SCAN_INTERVAL_SECONDS * 1000 });

	// Named, so a stop that overruns its deadline can say what it was still waiting for.
	const steps: Array<[string, () => Promise<unknown>]> = [
		// Deliveries first: a scan in flight may be fanning a digest out to every channel.
		['deliveries in flight', () => scheduler.stop()],
		['member alerts in flight', () => alerts.stop()],
		['following the digest source', () => watching.stop()],
		['watching the digest folder', async () => folderWatch?.close()],
		// Cut short after the file at hand: what was read is kept, the rest read at the next start.
		[
			'the digest scan in flight',
			async () => {
				await loader.stop();
				await scans.idle();
			},
		],
		['commands in flight', () => dispatcher.idle()],
		['fleet jobs', () => fleet.stop()],
		['the gateway connection', () => client.destroy()],
		...(opts.store ? [] : [['closing the store', () => store.close()] as [string, () => Promise<unknown>]]),
		['the health server', async () => health?.close()],
		['closing the archive index', async () => archive.close()],
	];
	let stepsDone = -1;
	let stopping: Promise<void> | undefined;
	return {
		client,
		ctx,
		loader,
		alerts,
		refresh,
		stop() {
			stopping ??= (async () => {
				clearInterval(scanTimer);
				scans.stop();
				for (stepsDone = 0; stepsDone < steps.length; stepsDone++) await steps[stepsDone]?.[1]();
				logger.info({}, 'stopped');
			})();
			return stopping;
		},
		unfinished: () => (stepsDone < 0 ? [] : steps.slice(stepsDone).map(([name]) => name)),
	};
}
