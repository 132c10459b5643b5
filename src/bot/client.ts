import { Client, GatewayIntentBits, type ClientOptions } from 'discord.js';
import type { Config } from '../config.ts';

/** Extra client options: tests pass the identify throttler; the sharding manager passes shard ids via env. */
export type ClientOverrides = Partial<ClientOptions>;

export function createClient(config: Config, overrides: ClientOverrides = {}): Client {
	return new Client({
		// Guilds is all we need: slash commands arrive as interactions, no privileged intent.
		intents: [GatewayIntentBits.Guilds],
		// A default for anything that forgets its own: the bot never pings.
		allowedMentions: { parse: [] },
		...overrides,
		rest: { api: config.DISCORD_API_BASE, ...overrides.rest },
	});
}
