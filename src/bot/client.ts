import { Client, Events, GatewayDispatchEvents, GatewayIntentBits, type ClientOptions, type GatewayDispatchPayload } from 'discord.js';
import { z } from 'zod';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';

/** Extra client options: tests pass the identify throttler; the sharding manager passes shard ids via env. */
export type ClientOverrides = Partial<ClientOptions>;

export function createClient(config: Config, overrides: ClientOverrides = {}, logger?: Logger): Client {
	const client = new Client({
		// Guilds is all we need: slash commands arrive as interactions, no privileged intent.
		intents: [GatewayIntentBits.Guilds],
		// A default for anything that forgets its own: the bot never pings.
		allowedMentions: { parse: [] },
		...overrides,
		rest: { api: config.DISCORD_API_BASE, globalRequestsPerSecond: config.REST_GLOBAL_PER_SECOND, ...overrides.rest },
	});
	if (logger) guardInteractions(client, logger);
	return client;
}

/** What discord.js reads from an interaction before any of our code can catch what it throws. */
const ReadableInteraction = z.object({
	id: z.string(),
	token: z.string(),
	type: z.number(),
	user: z.object({ id: z.string() }).optional(),
	member: z.object({ user: z.object({ id: z.string() }) }).optional(),
});

/** discord.js skips an interaction whose type it does not know; 0 is no interaction type. */
const UNKNOWN_TYPE = 0;

/**
 * discord.js builds an interaction inside its gateway handler, where an exception ends the
 * process: an interaction with neither `user` nor `member.user` would. The raw event reaches
 * listeners first, with the very payload the handler reads next, so one that cannot be read is
 * logged and turned into a type discord.js ignores.
 */
export function guardInteractions(client: Client, logger: Logger): void {
	client.on(Events.Raw, (packet: GatewayDispatchPayload) => {
		if (packet.t !== GatewayDispatchEvents.InteractionCreate) return;
		const read = ReadableInteraction.safeParse(packet.d);
		const problem = !read.success
			? read.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
			: !read.data.user && !read.data.member
				? 'neither user nor member.user'
				: null;
		if (!problem) return;
		const d = packet.d as { id?: unknown; guild_id?: unknown; type: number };
		logger.warn(
			{ interaction: typeof d.id === 'string' ? d.id : null, guild: typeof d.guild_id === 'string' ? d.guild_id : null, problem },
			'dropped an interaction the gateway sent malformed',
		);
		d.type = UNKNOWN_TYPE;
	});
}
