import {
	ChannelType,
	PermissionFlagsBits,
	type ChatInputCommandInteraction,
	type GuildBasedChannel,
	type GuildTextBasedChannel,
	type PermissionResolvable,
	type Role,
} from 'discord.js';
import { permissionList, type Locale } from '../i18n.ts';
import { UserError } from './errors.ts';

const POSTING: Array<[string, PermissionResolvable]> = [
	['View Channel', PermissionFlagsBits.ViewChannel],
	['Send Messages', PermissionFlagsBits.SendMessages],
	['Embed Links', PermissionFlagsBits.EmbedLinks],
];
const THREADS: Array<[string, PermissionResolvable]> = [
	['Create Public Threads', PermissionFlagsBits.CreatePublicThreads],
	['Send Messages in Threads', PermissionFlagsBits.SendMessagesInThreads],
];

/**
 * A channel of this guild by its own guild id. discord.js files every channel in an
 * interaction's resolved data under the interaction's guild, so a channel of another server the
 * bot is in shows up in this guild's cache; only its `guildId`, which came from the gateway,
 * says where it really is.
 */
export function ownChannel(interaction: ChatInputCommandInteraction<'cached'>, channelId: string): GuildBasedChannel | null {
	const channel = interaction.guild.channels.cache.get(channelId);
	return channel && channel.guildId === interaction.guildId ? channel : null;
}

/**
 * The channel an admin command names (default: where it was typed), if it is a text channel
 * of this server that the member may manage.
 */
export function targetChannel(interaction: ChatInputCommandInteraction<'cached'>, option = 'channel'): GuildTextBasedChannel {
	const channel = ownChannel(interaction, optionChannelId(interaction, option));
	if (!channel || (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement)) {
		throw new UserError('sub.notHere');
	}
	requireManageChannels(interaction, channel.id);
	return channel;
}

/**
 * Manage Channels where it matters: the interaction's own permissions are those of the channel
 * the command was typed in, and an overwrite there must not grant control of another channel.
 * Discord applies a role's Manage Channels only where the member can view the channel, and
 * discord.js's `permissionsFor` does not, so both are required. A channel no longer in the
 * cache (deleted) falls back to the member's server-wide permissions.
 */
export function requireManageChannels(interaction: ChatInputCommandInteraction<'cached'>, channelId: string): void {
	if (!canManage(interaction, channelId)) throw new UserError('error.notAdmin');
}

export function canManage(interaction: ChatInputCommandInteraction<'cached'>, channelId: string): boolean {
	const channel = ownChannel(interaction, channelId);
	const perms = channel ? channel.permissionsFor(interaction.member) : interaction.member.permissions;
	return perms.has(PermissionFlagsBits.ManageChannels) && (!channel || perms.has(PermissionFlagsBits.ViewChannel));
}

/** True when the member can see the channel (a listing shows only those). A deleted one is shown to managers. */
export function canView(interaction: ChatInputCommandInteraction<'cached'>, channelId: string): boolean {
	const channel = ownChannel(interaction, channelId);
	if (!channel) return interaction.member.permissions.has(PermissionFlagsBits.ManageChannels);
	return channel.permissionsFor(interaction.member).has(PermissionFlagsBits.ViewChannel);
}

/**
 * A role of this guild. Resolved roles are filed under the interaction's guild too, and a Role
 * carries no guild id of its own from that data: a role another cached server holds is that
 * server's, and a role must be in this guild's cache at all.
 */
export function ownRole(interaction: ChatInputCommandInteraction<'cached'>, roleId: string): Role | null {
	const elsewhere = interaction.client.guilds.cache.some((g) => g.id !== interaction.guildId && g.roles.cache.has(roleId));
	return elsewhere ? null : (interaction.guild.roles.cache.get(roleId) ?? null);
}

/**
 * The raw id an admin named (default: where the command was typed). Read from the option's
 * value, not its resolved object: a missing resolution must not silently mean "this channel".
 */
export function optionChannelId(interaction: ChatInputCommandInteraction, option = 'channel'): string {
	const value = interaction.options.get(option)?.value;
	return typeof value === 'string' ? value : interaction.channelId;
}

/** The permissions Paperboy lacks to deliver in `channel`, by their names in Discord's UI. */
export function missingPermissions(channel: GuildTextBasedChannel, thread: boolean): string[] {
	const me = channel.guild.members.me;
	const perms = me ? channel.permissionsFor(me) : null;
	const needed = thread ? [...POSTING, ...THREADS] : POSTING;
	return needed.filter(([, flag]) => !perms?.has(flag, true)).map(([name]) => name);
}

/** The reply for permissions Paperboy lacks in a channel, with "it" or "them" to match. */
export function missingError(channelId: string, missing: readonly string[], locale: Locale): UserError {
	const key = missing.length === 1 ? 'sub.missingPermissions.one' : 'sub.missingPermissions.other';
	return new UserError(key, { channel: `<#${channelId}>`, permissions: permissionList(locale, missing) });
}
