import { ActionRowBuilder, ButtonBuilder, ButtonStyle, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { ButtonRoute, Command } from '../src/bot/command.ts';
import { UserError } from '../src/bot/errors.ts';
import { respond } from '../src/bot/reply.ts';
import { t } from '../src/i18n.ts';

const PREFIX = 'forget';

const data = {
	name: 'forget-me',
	name_localizations: { ko: '내-정보-삭제' },
	description: 'Delete everything Paperboy keeps about you (saved papers, follows, alerts sent)',
	description_localizations: { ko: 'Paperboy가 나에 대해 보관한 모든 것(저장한 논문, 팔로우, 알림 기록)을 삭제합니다' },
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

/** Asks first: the confirm button carries the asker's id, and only the asker can press it. */
export const forgetMeCommand: Command = {
	data,
	async execute({ interaction, ctx, locale }) {
		const userId = interaction.user.id;
		const [saved, follows] = await Promise.all([ctx.members.saved(userId), ctx.members.follows(userId)]);
		await respond(interaction, {
			content: t(locale, 'forget.confirm', { saved: saved.length, follows: follows.length }),
			components: [
				new ActionRowBuilder<ButtonBuilder>().addComponents(
					new ButtonBuilder().setCustomId(`${PREFIX}:${userId}`).setLabel(t(locale, 'forget.button')).setStyle(ButtonStyle.Danger),
				),
			],
			ephemeral: true,
		});
	},
};

export const forgetButtons: ButtonRoute = {
	prefix: PREFIX,
	async handle({ interaction, ctx, locale }, args) {
		if (args[0] !== interaction.user.id) throw new UserError('saved.notYours');
		await ctx.members.forget(interaction.user.id);
		await interaction.update({ content: t(locale, 'forget.done'), components: [], allowedMentions: { parse: [] } });
	},
};
