type Json = Record<string, unknown>;

/**
 * A message object as Discord returns it, built from what was sent: the one shape every part
 * of the emulator (channels, DMs, interaction replies) and the tests that hand it a message use.
 */
export function messageObject(opts: { id: string; channelId: string; author: Json; body?: Json; guildId?: string; extra?: Json }): Json {
	const body = opts.body ?? {};
	return {
		id: opts.id,
		channel_id: opts.channelId,
		...(opts.guildId ? { guild_id: opts.guildId } : {}),
		author: opts.author,
		content: typeof body['content'] === 'string' ? body['content'] : '',
		timestamp: new Date().toISOString(),
		edited_timestamp: null,
		tts: body['tts'] === true,
		mention_everyone: false,
		mentions: [],
		mention_roles: [],
		attachments: [],
		embeds: Array.isArray(body['embeds']) ? body['embeds'] : [],
		components: Array.isArray(body['components']) ? body['components'] : [],
		pinned: false,
		type: 0,
		flags: typeof body['flags'] === 'number' ? body['flags'] : 0,
		...(body['nonce'] != null ? { nonce: body['nonce'] } : {}),
		...opts.extra,
	};
}
