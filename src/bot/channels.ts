import {
	ChannelType,
	PermissionFlagsBits,
	type ChatInputCommandInteraction,
	type GuildTextBasedChannel,
	type PermissionResolvable,
} from 'discord.js';
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
 * The channel an admin command names (default: where it was typed), looked up in this guild's
 * own cache: an id from another server never resolves, whatever the payload claims.
 */
export function targetChannel(interaction: ChatInputCommandInteraction<'cached'>, option = 'channel'): GuildTextBasedChannel {
	const id = optionChannelId(interaction, option);
	const channel = interaction.guild.channels.cache.get(id);
	if (!channel || (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement)) {
		throw new UserError('sub.notHere');
	}
	requireManageChannels(interaction, channel.id);
	return channel;
}

/**
 * Manage Channels where it matters: the interaction's own permissions are those of the channel
 * the command was typed in, and an overwrite there must not grant control of another channel.
 * A channel no longer in the cache (deleted) falls back to the member's server-wide permissions.
 */
export function requireManageChannels(interaction: ChatInputCommandInteraction<'cached'>, channelId: string): void {
	const channel = interaction.guild.channels.cache.get(channelId);
	const perms = channel ? channel.permissionsFor(interaction.member) : interaction.member.permissions;
	if (!perms.has(PermissionFlagsBits.ManageChannels)) throw new UserError('error.notAdmin');
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
