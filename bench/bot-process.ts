import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Emulator } from '../emulator/index.ts';
import { openStore } from '../src/store/store.ts';
import { subscribe } from '../test/helpers/subscriptions.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** How the bot process is run: from the TypeScript sources through tsx, or compiled as `npm start` runs it. */
export const ENTRIES = { sources: ['--import', 'tsx', 'src/main.ts'], compiled: ['bin/start.js'] } as const;
export type Entry = keyof typeof ENTRIES;

/**
 * The real bot in a process of its own, connected to the emulator, with nothing of this
 * process's environment but PATH: each bench says every setting it depends on. Its log (JSON
 * lines) is on stderr. `root` runs another checkout of the project (a baseline) instead.
 */
export function spawnBot(emu: Emulator, opts: { entry?: Entry; env: Record<string, string>; root?: string }): ChildProcessByStdio<null, null, Readable> {
	return spawn(process.execPath, [...ENTRIES[opts.entry ?? 'sources']], {
		cwd: opts.root ?? ROOT,
		env: { PATH: process.env['PATH'] ?? '', DISCORD_TOKEN: emu.token, DISCORD_API_BASE: emu.apiBase, LOG_FORMAT: 'json', ...opts.env },
		stdio: ['ignore', 'ignore', 'pipe'],
	});
}

/** The kernel's own peak (VmHWM) and current RSS of a process, in MB. */
export async function rssOf(pid: number): Promise<{ peak: number; now: number }> {
	const status = await readFile(`/proc/${pid}/status`, 'utf8');
	const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
	return { peak: Math.round(kb('VmHWM') / 1024), now: Math.round(kb('VmRSS') / 1024) };
}

/** `n` subscribed channels in guilds of 100, written to the store at `storeUrl`: the first channel is where commands are asked. */
export async function subscribedGuilds(emu: Emulator, storeUrl: string, n: number): Promise<{ guildId: string; channelId: string }> {
	const store = await openStore(storeUrl);
	let guildId = '';
	let channelId = '';
	try {
		for (let left = n; left > 0; left -= 100) {
			const g = emu.addGuild({ channels: Math.min(100, left) });
			guildId ||= g.id;
			channelId ||= g.channels[0] ?? '';
			for (const c of g.channels) await subscribe(store, g.id, c);
		}
	} finally {
		await store.close();
	}
	return { guildId, channelId };
}
