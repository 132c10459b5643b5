import { type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { optionChannelId, requireManageChannels } from '../src/bot/channels.ts';
import { ADMIN_COMMAND, channelOption } from '../src/bot/admin.ts';
import type { Command } from '../src/bot/command.ts';
import { UserError } from '../src/bot/errors.ts';
import { respond } from '../src/bot/reply.ts';
import { t } from '../src/i18n.ts';

const data = {
	name: 'unsubscribe',
	name_localizations: { ko: '구독해지' },
	description: 'Stop posting the daily digest in a channel',
	description_localizations: { ko: '채널에 다이제스트 올리기를 멈춥니다' },
	...ADMIN_COMMAND,
	options: [channelOption('The subscribed channel (default: this channel)', '구독 중인 채널 (기본: 이 채널)')],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export const unsubscribeCommand: Command = {
	data,
	defer: 'ephemeral',
	guildOnly: true,
	requiresManageChannels: true,
	async execute({ interaction, ctx, locale }) {
		// A deleted channel is no longer in the cache, but its subscription must still be removable.
		const channelId = optionChannelId(interaction);
		requireManageChannels(interaction, channelId);
		const removed = await ctx.subscriptions.delete(interaction.guildId, channelId);
		if (!removed) throw new UserError('sub.none', { channel: `<#${channelId}>` });
		ctx.scheduler.remove(interaction.guildId, channelId);
		ctx.logger.info({ guild: interaction.guildId, channel: channelId }, 'subscription removed');
		await respond(interaction, { content: t(locale, 'sub.removed', { channel: `<#${channelId}>` }), ephemeral: true });
	},
};
