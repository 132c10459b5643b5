import { ApplicationCommandOptionType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { BotContext, ButtonRoute, Command } from '../src/bot/command.ts';
import { UserError } from '../src/bot/errors.ts';
import { pageArg, pager } from '../src/bot/paging.ts';
import { respond, updatePage, type ReplyBody } from '../src/bot/reply.ts';
import { t, type Locale } from '../src/i18n.ts';
import { paperListEmbed } from '../src/render/list.ts';
import { escapeMarkdown, inlineCode } from '../src/render/text.ts';

const PAGE_SIZE = 10;
// `search:<page>:<query>` must fit Discord's 100-character custom id.
const QUERY_MAX = 80;

const data = {
	name: 'search',
	name_localizations: { ko: '검색' },
	description: 'Search titles, authors and summaries',
	description_localizations: { ko: '제목·저자·요약에서 검색' },
	options: [
		{
			type: ApplicationCommandOptionType.String,
			name: 'query',
			name_localizations: { ko: '검색어' },
			description: 'Words to look for, e.g. Gaussian splatting',
			description_localizations: { ko: '찾을 단어, 예: 가우시안 스플래팅' },
			required: true,
			min_length: 2,
			max_length: QUERY_MAX,
		},
	],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

function renderSearch(ctx: BotContext, locale: Locale, query: string, page: number): ReplyBody {
	const first = ctx.archive.search(query, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
	if (first.total === 0) throw new UserError('search.none', { query: inlineCode(query) });
	const pages = Math.ceil(first.total / PAGE_SIZE);
	const current = Math.min(page, pages);
	const hits = current === page ? first : ctx.archive.search(query, { limit: PAGE_SIZE, offset: (current - 1) * PAGE_SIZE });
	return {
		embeds: [
			paperListEmbed({
				// A title shows markdown, so the query's own `*` or `` ` `` must not format it.
				title: t(locale, 'search.title', { query: escapeMarkdown(query) }),
				papers: hits.results,
				startRank: (current - 1) * PAGE_SIZE + 1,
				footer: t(locale, 'search.footer', { page: current, pages, total: first.total }),
				locale,
			}),
		],
		components: pager(`search:${query}`, current, pages, locale),
	};
}

export const searchCommand: Command = {
	data,
	async execute({ interaction, ctx, locale }) {
		const query = interaction.options.getString('query', true).trim().replace(/\s+/g, ' ').slice(0, QUERY_MAX);
		if (query.length < 2) throw new UserError('search.tooShort');
		await respond(interaction, renderSearch(ctx, locale, query, 1));
	},
};

export const searchButtons: ButtonRoute = {
	prefix: 'search',
	async handle({ interaction, ctx, locale }, args) {
		// The query may itself contain ':'; the page is always the last segment.
		const page = pageArg(args.at(-1), Number.MAX_SAFE_INTEGER);
		const query = args.slice(0, -1).join(':');
		if (page === null || query.length < 2) throw new UserError('error.expiredButton');
		await updatePage(interaction, renderSearch(ctx, locale, query, page));
	},
};
