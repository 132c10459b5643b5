import {
	ChannelFlags,
	ChannelType,
	PermissionFlagsBits,
	type AutocompleteInteraction,
	type ChatInputCommandInteraction,
	type ForumChannel,
	type GuildForumTag,
	type GuildTextBasedChannel,
	type PermissionResolvable,
} from 'discord.js';
import { inlineCode } from '../render/text.ts';
import { t, type Locale } from '../i18n.ts';
import { choice, MAX_CHOICES } from './autocomplete.ts';
import { optionChannelId, ownChannel, requireManageChannels, targetChannel } from './channels.ts';
import { UserError } from './errors.ts';

/** Typed to take a tag off a forum subscription. */
export const CLEAR_TAG = '-';

// In a forum Discord calls Send Messages "Create Posts" and Send Messages in Threads "Send Messages in Posts".
const POSTING: Array<[string, PermissionResolvable]> = [
	['View Channel', PermissionFlagsBits.ViewChannel],
	['Send Messages', PermissionFlagsBits.SendMessages],
	['Embed Links', PermissionFlagsBits.EmbedLinks],
	['Send Messages in Threads', PermissionFlagsBits.SendMessagesInThreads],
];

/** The channel /subscribe names: a text channel as before, or a forum of this server the member may manage. */
export function subscribeTarget(interaction: ChatInputCommandInteraction<'cached'>): GuildTextBasedChannel | ForumChannel {
	const channel = ownChannel(interaction, optionChannelId(interaction));
	if (channel?.type !== ChannelType.GuildForum) return targetChannel(interaction);
	requireManageChannels(interaction, channel.id);
	return channel;
}

export function isForum(channel: { type: ChannelType }): channel is ForumChannel {
	return channel.type === ChannelType.GuildForum;
}

export function forumMissingPermissions(forum: ForumChannel): string[] {
	const me = forum.guild.members.me;
	const perms = me ? forum.permissionsFor(me) : null;
	return POSTING.filter(([, flag]) => !perms?.has(flag, true)).map(([name]) => name);
}

function tagNames(forum: ForumChannel, locale: Locale): string {
	const names = forum.availableTags.map((tag) => inlineCode(tag.name, 40));
	return names.length ? names.join(', ') : t(locale, 'sub.noTags');
}

export function tagName(forum: ForumChannel, tagId: string | null | undefined): string | undefined {
	return forum.availableTags.find((tag) => tag.id === tagId)?.name;
}

function findTag(forum: ForumChannel, typed: string): GuildForumTag | undefined {
	const folded = typed.trim().toLowerCase();
	// Autocomplete sends the id; a member who typed the name without picking meant that tag too.
	return forum.availableTags.find((tag) => tag.id === typed.trim()) ?? forum.availableTags.find((tag) => tag.name.toLowerCase() === folded);
}

/**
 * The tag a forum subscription's posts carry: the one typed (an id from autocomplete, or a name),
 * else the one it had if the forum still has it. Checked against this forum's own tags, so a tag
 * of another forum or server is refused; a forum that requires a tag gets its list to choose from.
 */
export function readForumTag(forum: ForumChannel, raw: string | null, existing: string | null | undefined, locale: Locale): string | null {
	const params = { channel: `<#${forum.id}>`, tags: tagNames(forum, locale) };
	let tagId: string | null;
	if (raw === null) tagId = tagName(forum, existing) === undefined ? null : (existing ?? null);
	else if (raw.trim() === CLEAR_TAG) tagId = null;
	else {
		const tag = findTag(forum, raw);
		if (!tag) throw new UserError('sub.unknownTag', { ...params, input: inlineCode(raw, 40) });
		tagId = tag.id;
	}
	if (tagId === null && forum.flags.has(ChannelFlags.RequireTag)) throw new UserError('sub.tagRequired', params);
	return tagId;
}

/** Tag suggestions for the forum the command names; nothing for any other channel. Never throws. */
export function forumTagChoices(interaction: AutocompleteInteraction, typed: string): Array<{ name: string; value: string }> {
	if (!interaction.inCachedGuild()) return [];
	const value = interaction.options.get('channel')?.value;
	const channel = interaction.guild.channels.cache.get(typeof value === 'string' ? value : interaction.channelId);
	if (!channel || channel.guildId !== interaction.guildId || !isForum(channel)) return [];
	const folded = typed.trim().toLowerCase();
	return channel.availableTags
		.filter((tag) => tag.name.toLowerCase().includes(folded))
		.slice(0, MAX_CHOICES)
		.map((tag) => choice(tag.emoji?.name ? `${tag.emoji.name} ${tag.name}` : tag.name, tag.id));
}
