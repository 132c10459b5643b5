import { type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { ADMIN_COMMAND } from '../src/bot/admin.ts';
import { canView } from '../src/bot/channels.ts';
import type { Command } from '../src/bot/command.ts';
import { respond } from '../src/bot/reply.ts';
import { describeSubscription, quietNotice } from '../src/bot/subscription-text.ts';
import { t } from '../src/i18n.ts';
import { EMBED_DESCRIPTION_MAX } from '../src/render/limits.ts';

const data = {
	name: 'subscriptions',
	name_localizations: { ko: '구독목록' },
	description: "This server's subscribed channels and their state",
	description_localizations: { ko: '이 서버의 구독 채널과 상태' },
	...ADMIN_COMMAND,
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export const subscriptionsCommand: Command = {
	data,
	defer: 'ephemeral',
	guildOnly: true,
	requiresManageChannels: true,
	async execute({ interaction, ctx, locale }) {
		// A moderator kept out of a channel does not learn of its subscription either.
		const subs = (await ctx.subscriptions.list(interaction.guildId)).filter((sub) => canView(interaction, sub.channelId));
		// An admin learns here that the source stopped, rather than by wondering why nothing came.
		const quiet = quietNotice(ctx.archive.latestDate(), ctx.now(), ctx.config.STALE_AFTER_DAYS, locale);
		if (subs.length === 0) {
			await respond(interaction, { content: [t(locale, 'sub.listEmpty'), quiet].filter(Boolean).join('\n\n'), ephemeral: true });
			return;
		}
		// Whole entries only: a line cut in half would misstate a channel's settings.
		const lines: string[] = quiet ? [quiet] : [];
		let length = quiet ? quiet.length + 2 : 0;
		for (const [i, sub] of subs.entries()) {
			const entry = describeSubscription(sub, ctx.scheduler.nextRun(sub), locale);
			const more = `… +${subs.length - i}`;
			if (length + entry.length + 2 + more.length > EMBED_DESCRIPTION_MAX) {
				lines.push(more);
				break;
			}
			lines.push(entry);
			length += entry.length + 2;
		}
		await respond(interaction, {
			embeds: [{ title: t(locale, 'sub.listTitle'), description: lines.join('\n\n'), color: 0xf4a261 }],
			ephemeral: true,
		});
	},
};
