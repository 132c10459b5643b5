import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { Command } from '../src/bot/command.ts';
import { respond } from '../src/bot/reply.ts';
import { t } from '../src/i18n.ts';

const data = {
	name: 'help',
	name_localizations: { ko: '도움말' },
	description: 'What Paperboy does and how to subscribe a channel',
	description_localizations: { ko: 'Paperboy 소개와 채널 구독 방법' },
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export const helpCommand: Command = {
	data,
	async execute({ interaction, locale }) {
		await respond(interaction, {
			embeds: [
				{
					title: t(locale, 'help.title'),
					description: `${t(locale, 'help.body')}\n\n**${t(locale, 'help.membersTitle')}**\n${t(locale, 'help.members')}`,
					color: 0xf4a261,
				},
			],
			ephemeral: true,
		});
	},
};
