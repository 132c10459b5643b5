import { type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { missingError, missingPermissions } from '../src/bot/channels.ts';
import { forumMissingPermissions, isForum, subscribeTarget } from '../src/bot/forum-options.ts';
import { ADMIN_COMMAND, channelOption } from '../src/bot/admin.ts';
import type { Command } from '../src/bot/command.ts';
import { UserError } from '../src/bot/errors.ts';
import { respond } from '../src/bot/reply.ts';
import { t } from '../src/i18n.ts';

const data = {
	name: 'resume',
	name_localizations: { ko: '재개' },
	description: 'Restart a paused subscription after fixing permissions',
	description_localizations: { ko: '권한을 고친 뒤 일시 정지된 구독을 다시 시작합니다' },
	...ADMIN_COMMAND,
	options: [channelOption('The paused channel (default: this channel)', '일시 정지된 채널 (기본: 이 채널)')],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export const resumeCommand: Command = {
	data,
	defer: 'ephemeral',
	guildOnly: true,
	requiresManageChannels: true,
	async execute({ interaction, ctx, locale }) {
		const channel = subscribeTarget(interaction);
		const mention = `<#${channel.id}>`;
		const sub = await ctx.subscriptions.get(interaction.guildId, channel.id);
		if (!sub) throw new UserError('sub.none', { channel: mention });
		if (!sub.paused) throw new UserError('sub.notPaused', { channel: mention });
		// Resuming into the same missing permission would only earn another 403.
		const missing = isForum(channel) ? forumMissingPermissions(channel) : missingPermissions(channel, sub.thread);
		if (missing.length) throw missingError(channel.id, missing, locale);
		const resumed = await ctx.subscriptions.patch(interaction.guildId, channel.id, { paused: null });
		if (resumed) ctx.scheduler.upsert(resumed).catch((err: unknown) => ctx.logger.error({ err }, 'could not schedule a subscription'));
		ctx.logger.info({ guild: interaction.guildId, channel: channel.id }, 'subscription resumed');
		await respond(interaction, { content: t(locale, 'sub.resumed', { channel: mention }), ephemeral: true });
	},
};
