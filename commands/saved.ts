import { ApplicationCommandOptionType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { choice, MAX_CHOICES } from '../src/bot/autocomplete.ts';
import type { BotContext, ButtonRoute, Command } from '../src/bot/command.ts';
import { UserError } from '../src/bot/errors.ts';
import { pageArg, pager } from '../src/bot/paging.ts';
import { respond, type ReplyBody } from '../src/bot/reply.ts';
import { parseArxivId } from '../src/digest/arxiv.ts';
import type { ArchivedPaper } from '../src/digest/schema.ts';
import { t, type Locale } from '../src/i18n.ts';
import { paperListEmbed } from '../src/render/list.ts';
import { EXPORT_FORMATS, exportFileName, renderSavedExport, type SavedExportFormat } from '../src/render/saved-export.ts';
import { inlineCode } from '../src/render/text.ts';

const PAGE_SIZE = 10;
export const SAVED_PREFIX = 'saved';

const data = {
	name: 'saved',
	name_localizations: { ko: '저장함' },
	description: 'Your saved papers: only you see them',
	description_localizations: { ko: '내가 저장한 논문 (나만 볼 수 있음)' },
	options: [
		{
			type: ApplicationCommandOptionType.Subcommand,
			name: 'list',
			name_localizations: { ko: '목록' },
			description: 'Your saved papers, newest first',
			description_localizations: { ko: '저장한 논문, 최근 순' },
		},
		{
			type: ApplicationCommandOptionType.Subcommand,
			name: 'remove',
			name_localizations: { ko: '삭제' },
			description: 'Remove a paper from your list',
			description_localizations: { ko: '목록에서 논문 하나를 뺍니다' },
			options: [
				{
					type: ApplicationCommandOptionType.String,
					name: 'paper',
					name_localizations: { ko: '논문' },
					description: 'The paper to remove (arXiv id)',
					description_localizations: { ko: '뺄 논문 (arXiv ID)' },
					required: true,
					autocomplete: true,
					max_length: 200,
				},
			],
		},
		{
			type: ApplicationCommandOptionType.Subcommand,
			name: 'export',
			name_localizations: { ko: '내보내기' },
			description: 'Your list as a file: BibTeX, CSV or Markdown',
			description_localizations: { ko: '목록을 파일로: BibTeX, CSV, Markdown' },
			options: [
				{
					type: ApplicationCommandOptionType.String,
					name: 'format',
					name_localizations: { ko: '형식' },
					description: 'File format',
					description_localizations: { ko: '파일 형식' },
					required: true,
					choices: [
						// Format names read the same in both languages.
						{ name: 'BibTeX', name_localizations: { ko: 'BibTeX' }, value: 'bibtex' },
						{ name: 'CSV', name_localizations: { ko: 'CSV' }, value: 'csv' },
						{ name: 'Markdown', name_localizations: { ko: '마크다운' }, value: 'markdown' },
					],
				},
			],
		},
	],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

/** A page of the member's own list. The buttons carry the owner's id: nobody else can turn them. */
async function renderSaved(ctx: BotContext, locale: Locale, userId: string, page: number): Promise<ReplyBody> {
	const saved = await ctx.members.saved(userId);
	if (saved.length === 0) return { content: t(locale, 'saved.empty'), components: [], ephemeral: true };
	const pages = Math.ceil(saved.length / PAGE_SIZE);
	const current = Math.min(Math.max(1, page), pages);
	const slice = saved.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE);
	// A paper no longer in the archive is still the member's: listed by its id.
	const papers: ArchivedPaper[] = slice.map(
		(s) =>
			ctx.archive.paper(s.paperId) ?? {
				id: s.paperId,
				title: s.paperId,
				url: `https://arxiv.org/abs/${s.paperId}`,
				votes: null,
				authors: [],
				thumbnail: null,
				summary: [],
				date: s.savedAt.slice(0, 10),
				dates: [],
			},
	);
	return {
		embeds: [
			paperListEmbed({
				title: t(locale, 'saved.title'),
				papers,
				startRank: (current - 1) * PAGE_SIZE + 1,
				footer: t(locale, 'saved.footer', { page: current, pages, total: saved.length }),
				locale,
			}),
		],
		components: pager(`${SAVED_PREFIX}:${userId}`, current, pages, locale),
		ephemeral: true,
	};
}

export const savedCommand: Command = {
	data,
	defer: 'ephemeral',
	async execute({ interaction, ctx, locale }) {
		const userId = interaction.user.id;
		const sub = interaction.options.getSubcommand(true);
		if (sub === 'list') return respond(interaction, await renderSaved(ctx, locale, userId, 1));
		if (sub === 'remove') {
			const input = interaction.options.getString('paper', true).trim();
			const id = parseArxivId(input);
			if (!id) throw new UserError('saved.notSaved', { id: inlineCode(input) });
			if (!(await ctx.members.unsave(userId, id))) throw new UserError('saved.notSaved', { id: inlineCode(id) });
			return respond(interaction, { content: t(locale, 'saved.removed', { id: inlineCode(id) }), ephemeral: true });
		}
		const format = interaction.options.getString('format', true) as SavedExportFormat;
		if (!EXPORT_FORMATS.includes(format)) throw new UserError('error.expiredButton');
		const saved = await ctx.members.saved(userId);
		if (saved.length === 0) throw new UserError('saved.empty');
		const text = renderSavedExport(
			format,
			saved.map((s) => ({ id: s.paperId, savedAt: s.savedAt, paper: ctx.archive.paper(s.paperId) })),
		);
		const name = exportFileName(format, ctx.now().toISOString().slice(0, 10));
		await respond(interaction, {
			content: t(locale, 'saved.exported', { count: saved.length, format: inlineCode(name) }),
			files: [{ attachment: Buffer.from(text, 'utf8'), name }],
			ephemeral: true,
		});
	},
	async autocomplete({ interaction, ctx }) {
		// Only the asker's own list is offered: autocomplete is answered for whoever types.
		const typed = interaction.options.getFocused().trim().toLowerCase();
		const saved = await ctx.members.saved(interaction.user.id);
		const choices = saved
			.map((s) => ctx.archive.paper(s.paperId) ?? { id: s.paperId, title: s.paperId })
			.filter((p) => !typed || p.id.includes(typed) || p.title.toLowerCase().includes(typed))
			.slice(0, MAX_CHOICES);
		await interaction.respond(choices.map((p) => choice(`${p.id} · ${p.title}`, p.id)));
	},
};

export const savedButtons: ButtonRoute = {
	prefix: SAVED_PREFIX,
	async handle({ interaction, ctx, locale }, args) {
		const [owner, rawPage] = args;
		// A list is its owner's: anyone else's click is refused, and shows them nothing of it.
		if (owner !== interaction.user.id) throw new UserError('saved.notYours');
		const page = pageArg(rawPage, Number.MAX_SAFE_INTEGER);
		if (page === null) throw new UserError('error.expiredButton');
		const body = await renderSaved(ctx, locale, owner, page);
		await interaction.update({ content: body.content ?? '', embeds: body.embeds ?? [], components: body.components ?? [], allowedMentions: { parse: [] } });
	},
};
