import { ApplicationCommandOptionType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { choice, MAX_CHOICES } from '../src/bot/autocomplete.ts';
import type { BotContext, ButtonRoute, Command } from '../src/bot/command.ts';
import { UserError } from '../src/bot/errors.ts';
import { pageArg, pager } from '../src/bot/paging.ts';
import { respond, updatePage, type ReplyBody } from '../src/bot/reply.ts';
import { IsoDate as DateArg } from '../src/digest/schema.ts';
import { t, tCount, type Locale } from '../src/i18n.ts';
import { digestMessages } from '../src/render/embed.ts';
import { inlineCode } from '../src/render/text.ts';

// The CLI's word for the newest digest; the Korean one is what a Korean member would type.
const LATEST = new Set(['latest', '최신', '최근']);

function unknownDate(ctx: BotContext, date: string): UserError {
	const { before, after } = ctx.archive.nearestDates(date);
	if (before && after) return new UserError('digest.unknownBetween', { date, before, after });
	if (before) return new UserError('digest.unknownBefore', { date, before });
	if (after) return new UserError('digest.unknownAfter', { date, after });
	return new UserError('archive.empty');
}

const data = {
	name: 'digest',
	name_localizations: { ko: '다이제스트' },
	description: "A day's digest (default: the latest)",
	description_localizations: { ko: '특정 날짜의 다이제스트 (기본: 가장 최근)' },
	options: [
		{
			type: ApplicationCommandOptionType.String,
			name: 'date',
			name_localizations: { ko: '날짜' },
			description: 'YYYY-MM-DD or latest',
			description_localizations: { ko: 'YYYY-MM-DD 형식 또는 latest' },
			autocomplete: true,
			max_length: 10,
		},
	],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

/**
 * A page is one message as delivery would post it (≤ 10 embeds, ≤ 6000 characters), so the
 * renderer's limits hold here too.
 */
function renderDigestPage(ctx: BotContext, locale: Locale, date: string, page: number): ReplyBody {
	const digest = ctx.archive.digest(date);
	if (!digest) throw unknownDate(ctx, date);
	const messages = digestMessages(date, digest.papers, { locale, header: false });
	const pages = Math.max(1, messages.length);
	const current = Math.min(page, pages);
	const body = messages[current - 1];
	return {
		content: t(locale, 'digest.page', { date, page: current, pages }),
		embeds: body?.embeds ?? [],
		components: pager(`digest:${date}`, current, pages, locale),
	};
}

export const digestCommand: Command = {
	data,
	async execute({ interaction, ctx, locale }) {
		const raw = interaction.options.getString('date')?.trim();
		const latest = ctx.archive.latestDate();
		if (!latest) throw new UserError('archive.empty');
		const date = raw && !LATEST.has(raw.toLowerCase()) ? DateArg.safeParse(raw) : { success: true as const, data: latest };
		if (!date.success) throw new UserError('digest.badDate', { input: inlineCode(raw ?? '', 40) });
		await respond(interaction, renderDigestPage(ctx, locale, date.data, 1));
	},
	async autocomplete({ interaction, ctx, locale }) {
		const typed = interaction.options.getFocused().trim();
		const dates = ctx.archive
			.dates()
			.filter((d) => d.startsWith(typed))
			.slice(0, MAX_CHOICES);
		await interaction.respond(
			dates.map((d) => {
				const count = ctx.archive.digest(d)?.papers.length ?? 0;
				return choice(tCount(locale, 'digest.choice', count, { date: d }), d);
			}),
		);
	},
};

export const digestButtons: ButtonRoute = {
	prefix: 'digest',
	async handle({ interaction, ctx, locale }, [date, page]) {
		const parsed = DateArg.safeParse(date);
		const pageNo = pageArg(page, Number.MAX_SAFE_INTEGER);
		if (!parsed.success || pageNo === null) throw new UserError('error.expiredButton');
		await updatePage(interaction, renderDigestPage(ctx, locale, parsed.data, pageNo));
	},
};
