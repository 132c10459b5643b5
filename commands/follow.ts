import { ApplicationCommandOptionType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { choice, MAX_CHOICES } from '../src/bot/autocomplete.ts';
import type { Command } from '../src/bot/command.ts';
import { UserError } from '../src/bot/errors.ts';
import { respond } from '../src/bot/reply.ts';
import { words } from '../src/archive/tokens.ts';
import { t, type Locale } from '../src/i18n.ts';
import { escapeMarkdown, inlineCode } from '../src/render/text.ts';
import { followIdentity } from '../src/store/members.ts';
import { FOLLOWS_MAX, type DmRecord, type Follow, type Paused } from '../src/store/schema.ts';

const QUERY_MAX = 100;

const queryOption = (description: string, ko: string, autocomplete: boolean) =>
	({
		type: ApplicationCommandOptionType.String,
		name: 'query',
		name_localizations: { ko: '검색어' },
		description,
		description_localizations: { ko },
		required: true,
		min_length: 2,
		max_length: QUERY_MAX,
		autocomplete,
	}) as const;

const followData = {
	name: 'follow',
	name_localizations: { ko: '팔로우' },
	description: 'Get a DM when a new digest has papers matching a search',
	description_localizations: { ko: '새 다이제스트에 검색어와 맞는 논문이 있으면 DM으로 알려 줍니다' },
	options: [queryOption('Words to look for, as in /search, e.g. Gaussian splatting', '찾을 단어 (/search와 같이), 예: 가우시안 스플래팅', false)],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

const followsData = {
	name: 'follows',
	name_localizations: { ko: '팔로우-목록' },
	description: 'What you follow, and when each last matched',
	description_localizations: { ko: '내 팔로우와 각각 마지막으로 맞은 날' },
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

const unfollowData = {
	name: 'unfollow',
	name_localizations: { ko: '언팔로우' },
	description: 'Stop following a search',
	description_localizations: { ko: '검색어 팔로우를 그만둡니다' },
	options: [queryOption('The follow to remove', '그만둘 팔로우', true)],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

function tidy(input: string): string {
	return input.trim().replace(/\s+/g, ' ').slice(0, QUERY_MAX);
}

export const followCommand: Command = {
	data: followData,
	defer: 'ephemeral',
	async execute({ interaction, ctx, locale }) {
		const query = tidy(interaction.options.getString('query', true));
		// A query of punctuation only would match nothing, ever.
		if (query.length < 2 || words(query).length === 0) throw new UserError('follow.tooShort');
		const userId = interaction.user.id;
		const result = await ctx.members.follow(userId, query, ctx.archive.latestDate() ?? null, locale);
		if (result === 'full') throw new UserError('follow.full', { max: FOLLOWS_MAX });
		// Following again is how a member whose DMs were closed says they are open now.
		const wasPaused = (await ctx.members.dmPaused(userId)) !== null;
		if (wasPaused) await ctx.members.setDmPaused(userId, null);
		const said = t(locale, result === 'added' ? 'follow.added' : 'follow.exists', { query: inlineCode(query) });
		await respond(interaction, { content: wasPaused ? `${said} ${t(locale, 'follow.resumed')}` : said, ephemeral: true });
	},
};

/** When each follow last matched, from the alert records still kept. */
function lastMatched(follows: readonly Follow[], dms: readonly DmRecord[]): Map<Follow, string> {
	const out = new Map<Follow, string>();
	for (const f of follows) {
		const hit = dms.find((d) => d.queries.some((q) => followIdentity(q) === followIdentity(f.query)));
		if (hit) out.set(f, hit.date);
	}
	return out;
}

export function followsText(locale: Locale, follows: readonly Follow[], dms: readonly DmRecord[], paused: Paused | null): string {
	if (follows.length === 0) return t(locale, 'follows.none');
	const last = lastMatched(follows, dms);
	const lines = follows.map((f) => {
		const when = last.get(f);
		return `• ${inlineCode(f.query)} · ${when ? t(locale, 'follows.last', { date: when }) : t(locale, 'follows.never')}`;
	});
	const head = t(locale, 'follows.title', { count: follows.length, max: FOLLOWS_MAX });
	const warn = paused ? `\n\n${t(locale, 'follows.paused', { reason: escapeMarkdown(paused.reason) })}` : '';
	return `${head}\n${lines.join('\n')}${warn}`;
}

export const followsCommand: Command = {
	data: followsData,
	defer: 'ephemeral',
	async execute({ interaction, ctx, locale }) {
		const userId = interaction.user.id;
		const [follows, dms, paused] = await Promise.all([ctx.members.follows(userId), ctx.members.dms(userId), ctx.members.dmPaused(userId)]);
		await respond(interaction, { content: followsText(locale, follows, dms, paused), ephemeral: true });
	},
};

export const unfollowCommand: Command = {
	data: unfollowData,
	defer: 'ephemeral',
	async execute({ interaction, ctx, locale }) {
		const query = tidy(interaction.options.getString('query', true));
		if (!(await ctx.members.unfollow(interaction.user.id, query))) throw new UserError('unfollow.unknown', { query: inlineCode(query) });
		await respond(interaction, { content: t(locale, 'unfollow.done', { query: inlineCode(query) }), ephemeral: true });
	},
};

// Autocomplete offers the asker's own follows only.
unfollowCommand.autocomplete = async ({ interaction, ctx }) => {
	const typed = followIdentity(interaction.options.getFocused());
	const follows = await ctx.members.follows(interaction.user.id);
	await interaction.respond(
		follows
			.filter((f) => followIdentity(f.query).includes(typed))
			.slice(0, MAX_CHOICES)
			.map((f) => choice(f.query, f.query)),
	);
};
