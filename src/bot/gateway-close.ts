/**
 * The gateway close codes after which discord.js stops reconnecting for good: Discord refused
 * the bot itself, so nothing but a change by a person (a new token, a setting, an update) helps.
 * Each comes with what to do, in English: logs are read by operators, not localised.
 */
export interface FatalClose {
	code: number;
	/** Discord's name for the code. */
	name: string;
	/** What the operator does about it. */
	fix: string;
}

const PRIVILEGED_INTENTS: Record<string, string> = {
	GuildMembers: 'Server Members Intent',
	GuildPresences: 'Presence Intent',
	MessageContent: 'Message Content Intent',
};

const FIXES: Record<number, { name: string; fix: (intents: readonly string[]) => string }> = {
	4004: {
		name: 'Authentication failed',
		fix: () =>
			'the bot token was reset or revoked: reset it in the Developer Portal (Applications → your bot → Bot → Reset Token) and set DISCORD_TOKEN to the new one, then start again',
	},
	4010: { name: 'Invalid shard', fix: () => 'a shard id is not below the shard count: check SHARD_IDS and SHARD_COUNT' },
	4011: {
		name: 'Sharding required',
		fix: () => 'the bot is in too many servers for one connection: run `npm run start:sharded`, or set SHARD_COUNT and SHARD_IDS per process',
	},
	4012: { name: 'Invalid API version', fix: () => 'this version of Paperboy speaks a gateway version Discord no longer accepts: update Paperboy' },
	4013: { name: 'Invalid intents', fix: () => 'the intents this version asks for are not valid: update Paperboy' },
	4014: {
		name: 'Disallowed intents',
		fix: (intents) => {
			const privileged = intents.flatMap((i) => (PRIVILEGED_INTENTS[i] ? [PRIVILEGED_INTENTS[i]] : []));
			return privileged.length > 0
				? `enable ${privileged.join(', ')} in the Developer Portal (Applications → your bot → Bot → Privileged Gateway Intents), then start again`
				: 'Discord refused the intents the bot asks for although none is privileged: check the application in the Developer Portal (Bot → Privileged Gateway Intents; a bot in 100 or more servers needs verification for them)';
		},
	},
};

/** The fatal close `code` with its fix, or null for a close discord.js recovers from by itself. */
export function fatalClose(code: number, intents: readonly string[] = []): FatalClose | null {
	const known = FIXES[code];
	return known ? { code, name: known.name, fix: known.fix(intents) } : null;
}

/** The log line for a fatal close. */
export function describeFatalClose(f: FatalClose): string {
	return `Discord closed the gateway with ${f.code} (${f.name}) and will not take the bot back as it is; stopping. To fix: ${f.fix}`;
}
