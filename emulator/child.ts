import { startEmulator, type EmulatorOptions } from './index.ts';
import { receivedIds } from '../test/helpers/received.ts';

/**
 * The emulator in its own process, so its CPU (JSON, rate-limit bookkeeping) does not share an
 * event loop with the bot being measured. Driven over IPC through `EmulatorProcess` (process.ts).
 */
type Command =
	| { type: 'start'; options: EmulatorOptions; guilds: number[] }
	| { type: 'stats' }
	| { type: 'requests'; from: number }
	| { type: 'received'; channels: string[] }
	| { type: 'stop' };

let emu: Awaited<ReturnType<typeof startEmulator>> | undefined;
const send = (msg: unknown) => process.send?.(msg);

process.on('message', (raw) => {
	const cmd = raw as Command;
	void (async () => {
		if (cmd.type === 'start') {
			emu = await startEmulator(cmd.options);
			const guilds = cmd.guilds.map((channels) => emu!.addGuild({ channels }));
			send({ type: 'started', token: emu.token, apiBase: emu.apiBase, guilds: guilds.map((g) => ({ id: g.id, channels: g.channels })) });
		} else if (cmd.type === 'stats') {
			const posts = emu?.requests.filter((r) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path)) ?? [];
			const times = posts.map((r) => r.time);
			send({
				type: 'stats',
				requests: emu?.requests.length ?? 0,
				messagePosts: posts.length,
				accepted: posts.filter((r) => r.status === 200).length,
				rateLimited: posts.filter((r) => r.status === 429).length,
				firstAt: times.length ? Math.min(...times) : 0,
				lastAt: times.length ? Math.max(...times) : 0,
			});
		} else if (cmd.type === 'requests') {
			// The request log from an index on, without bodies but for how many embeds a message carried.
			const requests = (emu?.requests.slice(cmd.from) ?? []).map((r) => ({
				method: r.method,
				path: r.path,
				status: r.status,
				time: r.time,
				...(r.window !== undefined ? { window: r.window } : {}),
				...(r.fault ? { fault: true } : {}),
				embeds: (r.body as { embeds?: unknown[] } | undefined)?.embeds?.length ?? 0,
			}));
			send({ type: 'requests', from: cmd.from, requests });
		} else if (cmd.type === 'received') {
			send({ type: 'received', ids: emu ? cmd.channels.map((c) => receivedIds(emu!, c)) : [] });
		} else if (cmd.type === 'stop') {
			await emu?.stop();
			process.exit(0);
		}
	})();
});
send({ type: 'alive' });
