import { startEmulator, type EmulatorOptions } from '../emulator/index.ts';

/**
 * The emulator in its own process, so its CPU (JSON, rate-limit bookkeeping) does not share an
 * event loop with the bot being measured. Driven over IPC by bench/delivery.ts.
 */
type Command = { type: 'start'; options: EmulatorOptions; guilds: number[] } | { type: 'stats' } | { type: 'stop' };

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
		} else if (cmd.type === 'stop') {
			await emu?.stop();
			process.exit(0);
		}
	})();
});
send({ type: 'alive' });
