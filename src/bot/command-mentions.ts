import type { Client } from 'discord.js';

/*
 * Replies name commands as `/subscribe`, but a Korean member sees the command as 구독: a command
 * mention (`</subscribe:id>`) shows in each reader's own language and can be clicked. The ids
 * are Discord's, known only once the commands are registered, so text keeps the plain name
 * wherever an id is unknown.
 */

/** `/name`, `/name sub` and `/name opt: opt:` in backticks, as the message table writes a command. */
const COMMAND = /`\/([a-z][\w-]*)( [a-z][\w-]*)?((?: [a-z_]+:)*)`/g;

export function linkCommands(text: string, ids: ReadonlyMap<string, string>): string {
	return text.replace(COMMAND, (whole, name: string, sub: string | undefined, options: string) => {
		const id = ids.get(name);
		if (!id) return whole;
		const mention = `</${name}${sub ?? ''}:${id}>`;
		return options ? `${mention} \`${options.trim()}\`` : mention;
	});
}

/** Redeploying can change ids; a stale id shows as plain text in Discord, so a few minutes is fine. */
const TTL_MS = 10 * 60_000;
const known = new WeakMap<Client, Map<string, { at: number; ids: Promise<Map<string, string>> }>>();

/**
 * The ids of the registered commands for a guild: its own (a development deploy) over the
 * global ones. Fetched at most once per TTL; a failed fetch gives no ids rather than an error.
 */
export function commandIds(client: Client, guildId: string | null): Promise<Map<string, string>> {
	let byScope = known.get(client);
	if (!byScope) known.set(client, (byScope = new Map()));
	const scope = guildId ?? 'global';
	const cached = byScope.get(scope);
	if (cached && Date.now() - cached.at < TTL_MS) return cached.ids;
	const ids = fetchIds(client, guildId);
	byScope.set(scope, { at: Date.now(), ids });
	return ids;
}

async function fetchIds(client: Client, guildId: string | null): Promise<Map<string, string>> {
	const ids = new Map<string, string>();
	try {
		const global = await client.application?.commands.fetch();
		for (const c of global?.values() ?? []) ids.set(c.name, c.id);
		const guild = guildId ? client.guilds.cache.get(guildId) : undefined;
		if (guild) for (const c of (await guild.commands.fetch()).values()) ids.set(c.name, c.id);
	} catch {
		// Plain names still read; the next fetch after the TTL tries again.
	}
	return ids;
}
