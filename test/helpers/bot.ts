import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLogger, type Logger } from '../../src/log.ts';
import { startBot, type BotOptions, type RunningBot } from '../../src/app.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { startEmulator, type Emulator, type EmulatorOptions, type GuildInfo, type GuildSpec } from '../../emulator/index.ts';

export interface Harness {
	emu: Emulator;
	/** The guilds made from the `guilds` option, in its order, present before the bot connected. */
	guilds: GuildInfo[];
	bot: RunningBot;
	store: Store;
	config: Config;
	dir: string;
	logs: string[];
	stop(): Promise<void>;
}

/** The real bot, in this process, against the loopback emulator, with a temp digest folder and SQLite file. */
export async function startHarness(
	opts: {
		emulator?: EmulatorOptions;
		/** Guilds the bot is in from the start. */
		guilds?: GuildSpec[];
		setup?: (emu: Emulator, dir: string) => Promise<void> | void;
		env?: Record<string, string>;
		bot?: Partial<Pick<BotOptions, 'now' | 'scheduler' | 'settleMs' | 'stopping'>>;
		store?: Store;
		/** Runs alongside the start-up, from its first step: what members meet while the bot is still coming up. */
		whileStarting?: (emu: Emulator, logs: string[]) => Promise<void>;
	} = {},
): Promise<Harness> {
	const dir = await mkdtemp(join(tmpdir(), 'paperboy-e2e-'));
	await mkdir(join(dir, 'digests'), { recursive: true });
	const emu = await startEmulator(opts.emulator);
	const guilds = (opts.guilds ?? []).map((spec) => emu.addGuild(spec));
	await opts.setup?.(emu, dir);
	const config = loadConfig({
		DISCORD_TOKEN: emu.token,
		DISCORD_APP_ID: emu.appId,
		DISCORD_API_BASE: emu.apiBase,
		DIGEST_DIR: join(dir, 'digests'),
		STORE_URL: `sqlite://${join(dir, 'state.sqlite')}`,
		ARCHIVE_INDEX: join(dir, 'archive-index.sqlite'),
		LOG_LEVEL: 'debug',
		...opts.env,
	});
	const logs: string[] = [];
	const logger: Logger = createLogger('debug', (line) => logs.push(line));
	let store: Store | undefined;
	let bot: RunningBot;
	try {
		store = opts.store ?? (await openStore(config.STORE_URL, { logger }));
		const starting = startBot({
			config,
			logger,
			store,
			clientOptions: { ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }) } },
			...opts.bot,
		});
		const meanwhile = opts.whileStarting?.(emu, logs);
		// Both settle before either's failure is thrown: a bot left running would outlive the test.
		const [started, ran] = await Promise.allSettled([starting, meanwhile]);
		if (started.status === 'rejected') throw started.reason;
		bot = started.value;
		if (ran.status === 'rejected') {
			await bot.stop();
			throw ran.reason;
		}
	} catch (err) {
		// A harness that failed to start must not leave a server or a temp folder behind.
		if (!opts.store) await store?.close();
		await emu.stop();
		await rm(dir, { recursive: true, force: true });
		throw err;
	}
	const openedStore = store;
	return {
		emu,
		guilds,
		bot,
		store: openedStore,
		config,
		dir,
		logs,
		async stop() {
			await bot.stop();
			if (!opts.store) await openedStore.close();
			await emu.stop();
			await rm(dir, { recursive: true, force: true });
		},
	};
}

/** A slash-command payload as Discord sends it. */
export function command(name: string, options: Array<{ name: string; type: number; value: unknown; focused?: boolean }> = []) {
	return { name, type: 1, options };
}

/** What the user finally sees: the reply, or the edit that follows a deferral. */
export async function answerOf(handle: ReturnType<Emulator['interact']>): Promise<Record<string, unknown>> {
	const res = await handle.response();
	if (res.type === 5) {
		const [edit] = await handle.waitForEdits(1);
		return { ...edit, flags: res.data?.['flags'] };
	}
	return res.data ?? {};
}
