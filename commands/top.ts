import { ApplicationCommandOptionType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { z } from 'zod';
import type { BotContext, ButtonRoute, Command } from '../src/bot/command.ts';
import { UserError } from '../src/bot/errors.ts';
import { boundedInteger, oneOfChoices } from '../src/bot/options.ts';
import { pageArg, pager } from '../src/bot/paging.ts';
import { respond, updatePage, type ReplyBody } from '../src/bot/reply.ts';
import { IsoDate } from '../src/digest/schema.ts';
import { t, type Locale } from '../src/i18n.ts';
import { paperListEmbed } from '../src/render/list.ts';
import { Period, periodStart } from '../src/time/dates.ts';

/** Paging goes this deep into a ranking; past it the list is noise. */
const MAX_RANKED = 100;
const DEFAULT_LIMIT = 10;

const data = {
	name: 'top',
	name_localizations: { ko: '인기' },
	description: 'The most-voted papers of a period',
	description_localizations: { ko: '기간별로 추천을 가장 많이 받은 논문' },
	options: [
		{
			type: ApplicationCommandOptionType.String,
			name: 'period',
			name_localizations: { ko: '기간' },
			description: 'Which period (default: week)',
			description_localizations: { ko: '기간 (기본: 일주일)' },
			choices: [
				{ name: 'day', name_localizations: { ko: '하루' }, value: 'day' },
				{ name: 'week', name_localizations: { ko: '일주일' }, value: 'week' },
				{ name: 'month', name_localizations: { ko: '한 달' }, value: 'month' },
				{ name: 'year', name_localizations: { ko: '1년' }, value: 'year' },
				{ name: 'all', name_localizations: { ko: '전체' }, value: 'all' },
			],
		},
		{
			type: ApplicationCommandOptionType.Integer,
			name: 'limit',
			name_localizations: { ko: '개수' },
			description: 'Papers per page, 1–25 (default 10)',
			description_localizations: { ko: '페이지당 논문 수, 1–25 (기본 10)' },
			min_value: 1,
			max_value: 25,
		},
	],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

// Custom id `top:<period>:<limit>:<date>:<page>`: the date pins the ranking a user is paging through.
const PageState = z.object({
	period: Period,
	limit: z.coerce.number().int().min(1).max(25),
	date: IsoDate,
});

const [periodOption, limitOption] = data.options;

function renderTop(ctx: BotContext, locale: Locale, state: z.infer<typeof PageState>, page: number): ReplyBody {
	const ranked = ctx.archive.top({ period: state.period, date: state.date, limit: MAX_RANKED });
	const total = ctx.archive.topCount(state.period, state.date);
	const pages = Math.max(1, Math.ceil(ranked.length / state.limit));
	const current = Math.min(page, pages);
	const start = (current - 1) * state.limit;
	const title = t(locale, 'top.title', { period: t(locale, `period.${state.period}` as const) });
	if (ranked.length === 0) return { content: t(locale, 'top.empty') };
	return {
		embeds: [
			paperListEmbed({
				title,
				papers: ranked.slice(start, start + state.limit),
				startRank: start + 1,
				footer: t(locale, total > ranked.length ? 'top.footerCapped' : 'top.footer', {
					page: current,
					pages,
					// The windows roll, so their bounds are named rather than left to be guessed.
					from: periodStart(state.period, state.date) ?? ctx.archive.dates().at(-1) ?? state.date,
					to: state.date,
					shown: ranked.length,
					total: new Intl.NumberFormat(locale).format(total),
				}),
				locale,
			}),
		],
		components: pager(`top:${state.period}:${state.limit}:${state.date}`, current, pages, locale),
	};
}

export const topCommand: Command = {
	data,
	async execute({ interaction, ctx, locale }) {
		const date = ctx.archive.latestDate();
		if (!date) throw new UserError('archive.empty');
		const state = PageState.parse({
			period: oneOfChoices(periodOption, interaction.options.getString('period'), locale) ?? 'week',
			limit: boundedInteger(limitOption, interaction.options.getInteger('limit'), locale) ?? DEFAULT_LIMIT,
			date,
		});
		await respond(interaction, renderTop(ctx, locale, state, 1));
	},
};

export const topButtons: ButtonRoute = {
	prefix: 'top',
	async handle({ interaction, ctx, locale }, [period, limit, date, page]) {
		const state = PageState.safeParse({ period, limit, date });
		const pageNo = pageArg(page, Number.MAX_SAFE_INTEGER);
		if (!state.success || pageNo === null) throw new UserError('error.expiredButton');
		await updatePage(interaction, renderTop(ctx, locale, state.data, pageNo));
	},
};
