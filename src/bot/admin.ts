import {
	ApplicationCommandOptionType,
	ChannelType,
	InteractionContextType,
	PermissionFlagsBits,
	type APIApplicationCommandChannelOption,
	type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';

/**
 * What every subscription command shares: hidden from members without Manage Channels (the
 * dispatcher checks again, since server admins can override this), and only usable in a server.
 */
export const ADMIN_COMMAND: Pick<RESTPostAPIChatInputApplicationCommandsJSONBody, 'default_member_permissions' | 'contexts'> = {
	default_member_permissions: String(PermissionFlagsBits.ManageChannels),
	contexts: [InteractionContextType.Guild],
};

/** The `channel:` option of the subscription commands (forums included); defaults to where the command was typed. */
export function channelOption(description: string, koDescription: string): APIApplicationCommandChannelOption {
	return {
		type: ApplicationCommandOptionType.Channel,
		name: 'channel',
		name_localizations: { ko: '채널' },
		description,
		description_localizations: { ko: koDescription },
		channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement, ChannelType.GuildForum],
	};
}
