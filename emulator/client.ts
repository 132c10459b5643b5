import { once } from 'node:events';
import { Client, GatewayIntentBits, type ClientOptions } from 'discord.js';
import type { Emulator } from './emulator.ts';

/** A real discord.js Client pointed at the emulator, resolved once 'ready' fired (all guilds received). */
export async function connectClient(emu: Emulator, extra: Partial<ClientOptions> = {}): Promise<Client<true>> {
	const client = new Client({
		intents: [GatewayIntentBits.Guilds],
		rest: { api: emu.apiBase, ...extra.rest },
		// The identify throttler would otherwise wait ~5 s between identifies.
		ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }), ...extra.ws },
		...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'rest' && k !== 'ws')),
	});
	const ready = once(client, 'clientReady');
	try {
		await client.login(emu.token);
		await ready;
	} catch (error) {
		// A half-connected client keeps sockets and timers alive past the test file.
		await client.destroy();
		throw error;
	}
	return client as Client<true>;
}
