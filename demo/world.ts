import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PermissionFlagsBits } from 'discord.js';
import { startBot, type RunningBot } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { deployCommands } from '../src/deploy.ts';
import type { Logger } from '../src/log.ts';
import { addDays } from '../src/time/dates.ts';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { DemoClock } from './clock.ts';

/** Who can type in the demo: an admin who may subscribe channels, and a member who may not. */
export const MEMBERS = {
	admin: { name: 'Ada (admin)', permissions: String(PermissionFlagsBits.ManageChannels | PermissionFlagsBits.ManageGuild | PermissionFlagsBits.SendMessages) },
	member: { name: 'Min (member)', permissions: String(PermissionFlagsBits.SendMessages | PermissionFlagsBits.ViewChannel) },
} as const;
export type MemberKey = keyof typeof MEMBERS;

export interface DemoWorld {
	emu: Emulator;
	bot: RunningBot;
	clock: DemoClock;
	guildId: string;
	/** Channel id → name, in the server's order. */
	channels: Map<string, string>;
	/** The members' user ids, fixed for the demo's life. */
	userIds: Record<MemberKey, string>;
	digestDir: string;
	/** Writes the next day's digest (the newest example, its votes shuffled) and lets the bot find it. */
	dropNextDigest(): Promise<string>;
	stop(): Promise<void>;
}

const DATE_FILE = /^(\d{4})\/(\d{2})\/(\d{2})\.md$/;

/** The example digests, as `YYYY/MM/DD.md` paths under `dir`, oldest first. */
async function digestFiles(dir: string): Promise<string[]> {
	const entries = await readdir(dir, { recursive: true });
	return entries
		.map((e) => e.split('\\').join('/'))
		.filter((e) => DATE_FILE.test(e))
		.sort();
}

/**
 * The embedded Discord and the real bot on it: its own SQLite file and digest folder under
 * `varDir`, the example digests copied there, the commands registered as `npm run deploy` would.
 * Nothing here reads `.env` or reaches a real Discord: every setting is the demo's own.
 */
export async function startWorld(opts: { varDir: string; examplesDir: string; logger: Logger }): Promise<DemoWorld> {
	const digestDir = join(opts.varDir, 'digests');
	// The embedded Discord starts empty each time, so the demo's state does too.
	await rm(opts.varDir, { recursive: true, force: true });
	await mkdir(digestDir, { recursive: true });
	await cp(opts.examplesDir, digestDir, { recursive: true, force: false, errorOnExist: false });
	const files = await digestFiles(digestDir);
	const latest = files.at(-1)?.replace(DATE_FILE, '$1-$2-$3') ?? new Date().toISOString().slice(0, 10);
	// The demo's day is the newest digest's: at 23:00 UTC every subscription's time has passed.
	const clock = new DemoClock(new Date(`${latest}T23:00:00Z`));

	const emu = await startEmulator({ validate: true });
	const g = emu.addGuild({ name: 'Paperboy demo', systemChannel: true, channels: [{ name: 'general' }, { name: 'papers' }, { name: 'papers-compact' }] });
	const channels = new Map(g.channels.map((id) => [id, String(emu.channel(id)?.['name'] ?? id)]));
	const userIds = { admin: '100000000000000001', member: '100000000000000002' };
	const config = loadConfig({
		DISCORD_TOKEN: emu.token,
		DISCORD_APP_ID: emu.appId,
		DISCORD_API_BASE: emu.apiBase,
		DIGEST_DIR: digestDir,
		STORE_URL: `sqlite://${join(opts.varDir, 'state.sqlite')}`,
		DEFAULT_TIMEZONE: 'UTC',
		CATCH_UP_DAYS: '3',
		LOG_LEVEL: 'info',
	});
	await deployCommands(config, g.id, opts.logger);
	const bot = await startBot({ config, logger: opts.logger, now: () => clock.now(), settleMs: 200 });
	// #papers is subscribed from the start, as /subscribe would leave it a day ago: the newest
	// example is delivered at once, so the page opens on a digest.
	const papers = g.channels[1];
	if (papers) {
		const sub = await bot.ctx.subscriptions.put({
			guildId: g.id,
			channelId: papers,
			time: '09:00',
			timezone: 'UTC',
			minVotes: null,
			top: null,
			mentionRoleId: null,
			thread: false,
			createdAt: clock.now().toISOString(),
			startAfterDate: addDays(latest, -1),
			lastDeliveredDate: null,
			paused: null,
		});
		await bot.ctx.scheduler.upsert(sub);
	}

	return {
		emu,
		bot,
		clock,
		guildId: g.id,
		channels,
		userIds,
		digestDir,
		async dropNextDigest() {
			const all = await digestFiles(digestDir);
			const newest = all.at(-1);
			if (!newest) throw new Error(`no example digest in ${digestDir}`);
			const from = newest.replace(DATE_FILE, '$1-$2-$3');
			const date = addDays(from, 1);
			const text = await readFile(join(digestDir, newest), 'utf8');
			let n = 0;
			const next = text.replaceAll(from, date).replace(/^(Vote|Votes?): (\d+)/gim, (_, label: string, v: string) => `${label}: ${Number(v) + 3 * ++n}`);
			const path = join(digestDir, `${date.replaceAll('-', '/')}.md`);
			await mkdir(dirname(path), { recursive: true });
			await writeFile(path, next);
			clock.moveTo(new Date(`${date}T23:00:00Z`));
			await bot.refresh();
			return date;
		},
		async stop() {
			await bot.stop();
			await emu.stop();
		},
	};
}
