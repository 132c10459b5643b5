import { ApplicationCommandOptionType, PermissionFlagsBits, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { resolveTimeZone, suggestTimeZones } from '../src/time/zones.ts';
import { choice, MAX_CHOICES } from '../src/bot/autocomplete.ts';
import { missingError, missingPermissions, ownRole } from '../src/bot/channels.ts';
import { forumMissingPermissions, forumTagChoices, isForum, readForumTag, subscribeTarget, tagName } from '../src/bot/forum-options.ts';
import { ADMIN_COMMAND, channelOption } from '../src/bot/admin.ts';
import type { Command } from '../src/bot/command.ts';
import { UserError } from '../src/bot/errors.ts';
import { boundedInteger, oneOfChoices } from '../src/bot/options.ts';
import { readTerms, showPreview } from '../src/bot/subscription-options.ts';
import { respond } from '../src/bot/reply.ts';
import { inlineCode } from '../src/render/text.ts';
import { describeOptions, formatNextRun } from '../src/bot/subscription-text.ts';
import { t } from '../src/i18n.ts';
import type { Subscription } from '../src/store/schema.ts';

const DEFAULT_TIME = '09:00';
/** Room for a handful of phrases; Discord caps a string option at 6000, a filter needs far less. */
const TERMS_INPUT_MAX = 300;

export const subscribeData = {
	name: 'subscribe',
	name_localizations: { ko: '구독' },
	description: 'Post the daily digest in a channel (or change its settings)',
	description_localizations: { ko: '채널에 매일 다이제스트를 올립니다 (설정 변경도 여기서)' },
	...ADMIN_COMMAND,
	options: [
		{
			...channelOption('Where to post (default: this channel); a forum gets a post per digest', '올릴 채널 (기본: 이 채널); 포럼이면 다이제스트마다 게시물'),
		},
		{
			type: ApplicationCommandOptionType.String,
			name: 'time',
			name_localizations: { ko: '시각' },
			description: 'Time of day, HH:MM 24-hour (default 09:00)',
			description_localizations: { ko: '올릴 시각, 24시간 HH:MM (기본 09:00)' },
			max_length: 5,
		},
		{
			type: ApplicationCommandOptionType.String,
			name: 'timezone',
			name_localizations: { ko: '시간대' },
			description: 'IANA time zone, e.g. Asia/Seoul',
			description_localizations: { ko: 'IANA 시간대, 예: Asia/Seoul' },
			autocomplete: true,
			max_length: 64,
		},
		{
			type: ApplicationCommandOptionType.Integer,
			name: 'min_votes',
			name_localizations: { ko: '최소추천' },
			description: 'Only papers with at least this many votes (0: all)',
			description_localizations: { ko: '추천 수가 이 이상인 논문만 (0: 전부)' },
			min_value: 0,
			max_value: 10_000,
		},
		{
			type: ApplicationCommandOptionType.Integer,
			name: 'top',
			name_localizations: { ko: '상위' },
			description: 'Only the N most-voted papers of each digest (0: all)',
			description_localizations: { ko: '다이제스트마다 추천 상위 N편만 (0: 전부)' },
			min_value: 0,
			max_value: 100,
		},
		{
			type: ApplicationCommandOptionType.Role,
			name: 'mention',
			name_localizations: { ko: '멘션' },
			description: 'A role to mention with each digest',
			description_localizations: { ko: '다이제스트마다 멘션할 역할' },
		},
		{
			type: ApplicationCommandOptionType.Boolean,
			name: 'thread',
			name_localizations: { ko: '스레드' },
			description: 'Post each digest in its own thread',
			description_localizations: { ko: '다이제스트마다 스레드를 만들어 올리기' },
		},
		{
			type: ApplicationCommandOptionType.String,
			name: 'format',
			name_localizations: { ko: '형식' },
			description: 'cards: a card per paper (default) · compact: one list, summaries on request',
			description_localizations: { ko: '카드: 논문마다 카드 (기본) · 간단히: 목록 하나, 요약은 골라 읽기' },
			choices: [
				{ name: 'cards', name_localizations: { ko: '카드' }, value: 'cards' },
				{ name: 'compact', name_localizations: { ko: '간단히' }, value: 'compact' },
			],
		},
		{
			type: ApplicationCommandOptionType.String,
			name: 'include',
			name_localizations: { ko: '포함' },
			description: 'Only papers about any of these, comma-separated (e.g. LLM, reasoning); "-" clears',
			description_localizations: { ko: '이 중 하나라도 다루는 논문만, 쉼표로 구분 (예: LLM, 추론); "-"는 해제' },
			max_length: TERMS_INPUT_MAX,
		},
		{
			type: ApplicationCommandOptionType.String,
			name: 'exclude',
			name_localizations: { ko: '제외' },
			description: 'Leave out papers about any of these, comma-separated; "-" clears',
			description_localizations: { ko: '이 중 하나라도 다루는 논문은 빼기, 쉼표로 구분; "-"는 해제' },
			max_length: TERMS_INPUT_MAX,
		},
		{
			type: ApplicationCommandOptionType.String,
			name: 'cadence',
			name_localizations: { ko: '주기' },
			description: 'daily: every digest (default) · weekly: the week’s most-voted papers once a week',
			description_localizations: { ko: '매일: 다이제스트마다 (기본) · 매주: 한 주의 인기 논문을 주 1회' },
			choices: [
				{ name: 'daily', name_localizations: { ko: '매일' }, value: 'daily' },
				{ name: 'weekly', name_localizations: { ko: '매주' }, value: 'weekly' },
			],
		},
		{
			type: ApplicationCommandOptionType.String,
			name: 'day',
			name_localizations: { ko: '요일' },
			description: 'The weekday of a weekly roll-up (default Monday)',
			description_localizations: { ko: '주간 모음을 올릴 요일 (기본 월요일)' },
			choices: [
				{ name: 'Monday', name_localizations: { ko: '월요일' }, value: '1' },
				{ name: 'Tuesday', name_localizations: { ko: '화요일' }, value: '2' },
				{ name: 'Wednesday', name_localizations: { ko: '수요일' }, value: '3' },
				{ name: 'Thursday', name_localizations: { ko: '목요일' }, value: '4' },
				{ name: 'Friday', name_localizations: { ko: '금요일' }, value: '5' },
				{ name: 'Saturday', name_localizations: { ko: '토요일' }, value: '6' },
				{ name: 'Sunday', name_localizations: { ko: '일요일' }, value: '7' },
			],
		},
		{
			type: ApplicationCommandOptionType.Boolean,
			name: 'preview',
			name_localizations: { ko: '미리보기' },
			description: 'Show what the latest digest would look like with these options; save nothing',
			description_localizations: { ko: '이 설정으로 최신 다이제스트가 어떻게 올라갈지 보기만 하고 저장하지 않기' },
		},
		{
			type: ApplicationCommandOptionType.String,
			name: 'tag',
			name_localizations: { ko: '태그' },
			description: 'A forum channel: the tag each post carries; "-" clears',
			description_localizations: { ko: '포럼 채널: 게시물마다 붙일 태그; "-"는 해제' },
			autocomplete: true,
			max_length: 100,
		},
	],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

const minVotesOption = subscribeData.options[3];
const topOption = subscribeData.options[4];
const formatOption = subscribeData.options[7];
const cadenceOption = subscribeData.options[10];
const dayOption = subscribeData.options[11];

/** `9:00` and `09:00` both mean nine o'clock; anything else is an error. */
export function normaliseTime(input: string): string | null {
	const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(input.trim());
	return m ? `${m[1]?.padStart(2, '0')}:${m[2]}` : null;
}

/** The zone a member typed, as its canonical name; an abbreviation with several meanings lists them. */
function zoneOrRefuse(typed: string): string {
	const answer = resolveTimeZone(typed);
	if (answer.kind === 'zone') return answer.zone;
	if (answer.kind === 'ambiguous')
		throw new UserError('sub.ambiguousZone', { input: inlineCode(typed, 16), zones: answer.candidates.map((z) => `\`${z}\``).join(', ') });
	throw new UserError('sub.badZone', { input: inlineCode(typed, 64) });
}

function zeroIsNone(n: number | null): number | null {
	return n === 0 ? null : n;
}

export const subscribeCommand: Command = {
	data: subscribeData,
	defer: 'ephemeral',
	guildOnly: true,
	requiresManageChannels: true,
	async execute({ interaction, ctx, locale }) {
		const channel = subscribeTarget(interaction);
		const forum = isForum(channel) ? channel : null;
		// Subscribing again changes only the options given; the rest keep their current values.
		const existing = await ctx.subscriptions.get(interaction.guildId, channel.id);
		const rawTime = interaction.options.getString('time') ?? existing?.time ?? DEFAULT_TIME;
		const time = normaliseTime(rawTime);
		if (!time) throw new UserError('sub.badTime', { input: inlineCode(rawTime, 20) });
		const minVotes = boundedInteger(minVotesOption, interaction.options.getInteger('min_votes'), locale);
		const top = boundedInteger(topOption, interaction.options.getInteger('top'), locale);
		const typedZone = interaction.options.getString('timezone')?.trim();
		const timezone = typedZone ? zoneOrRefuse(typedZone) : (existing?.timezone ?? ctx.config.DEFAULT_TIMEZONE);
		// The raw id, checked against this guild's own roles: a payload cannot smuggle in another server's role.
		const roleId = interaction.options.get('mention')?.value;
		if (roleId === interaction.guildId) throw new UserError('sub.everyone');
		const role = typeof roleId === 'string' ? ownRole(interaction, roleId) : null;
		if (typeof roleId === 'string' && !role) throw new UserError('sub.unknownRole');
		// The bot may hold Mention Everyone; it must not ping a role on behalf of someone who could not.
		if (role && !role.mentionable && !channel.permissionsFor(interaction.member).has(PermissionFlagsBits.MentionEveryone)) {
			throw new UserError('sub.roleNotMentionable', { role: `<@&${role.id}>` });
		}
		// A forum post is a thread already; saying otherwise is refused, not quietly ignored.
		if (forum && interaction.options.getBoolean('thread')) throw new UserError('sub.forumThread', { channel: `<#${channel.id}>` });
		const thread = forum ? false : (interaction.options.getBoolean('thread') ?? existing?.thread ?? false);
		const typedTag = interaction.options.getString('tag');
		if (!forum && typedTag !== null) throw new UserError('sub.tagNotForum', { channel: `<#${channel.id}>` });
		const forumTagId = forum ? readForumTag(forum, typedTag, existing?.forumTagId, locale) : null;
		const format = oneOfChoices(formatOption, interaction.options.getString('format'), locale) ?? existing?.format ?? 'cards';
		const cadence = oneOfChoices(cadenceOption, interaction.options.getString('cadence'), locale) ?? existing?.cadence ?? 'daily';
		const day = oneOfChoices(dayOption, interaction.options.getString('day'), locale);
		const weekday = day ? Number(day) : (existing?.weekday ?? 1);
		const include = readTerms(interaction.options.getString('include'), existing?.include);
		const exclude = readTerms(interaction.options.getString('exclude'), existing?.exclude);

		const now = ctx.now().toISOString();
		const draft: Subscription = {
			guildId: interaction.guildId,
			channelId: channel.id,
			time,
			timezone,
			// 0 turns a filter off again.
			minVotes: zeroIsNone(minVotes ?? existing?.minVotes ?? null),
			top: zeroIsNone(top ?? existing?.top ?? null),
			mentionRoleId: role?.id ?? existing?.mentionRoleId ?? null,
			thread,
			createdAt: existing?.createdAt ?? now,
			// A new subscription starts with the next digest; an update keeps its place.
			startAfterDate: existing ? existing.startAfterDate : (ctx.archive.latestDate() ?? null),
			lastDeliveredDate: existing?.lastDeliveredDate ?? null,
			// An old record without it stays without it: "unknown" is not "never posted".
			...(existing ? (existing.lastPostedDate === undefined ? {} : { lastPostedDate: existing.lastPostedDate }) : { lastPostedDate: null }),
			paused: null,
			format,
			include,
			exclude,
			cadence,
			weekday,
			...(forum ? { channelKind: 'forum' as const, forumTagId } : {}),
			updatedAt: now,
		};
		const names = { tag: forum ? tagName(forum, forumTagId) : undefined };
		if (interaction.options.getBoolean('preview')) {
			await showPreview(interaction, ctx, draft, locale, names);
			return;
		}
		const missing = isForum(channel) ? forumMissingPermissions(channel) : missingPermissions(channel, thread);
		if (missing.length) throw missingError(channel.id, missing, locale);
		const saved = await ctx.subscriptions.put(draft);
		ctx.scheduler.upsert(saved).catch((err: unknown) => ctx.logger.error({ err }, 'could not schedule a subscription'));
		const params = {
			channel: `<#${channel.id}>`,
			time,
			timezone,
			next: formatNextRun(ctx.scheduler.nextRun(saved), locale),
		};
		let content = `${t(locale, existing ? 'sub.updated' : 'sub.saved', params)}\n${describeOptions(saved, locale, names)}`;
		const me = interaction.guild.members.me;
		if (role && !role.mentionable && !me?.permissions.has(PermissionFlagsBits.MentionEveryone)) {
			content += `\n${t(locale, 'sub.unmentionable', { role: `<@&${role.id}>` })}`;
		}
		ctx.logger.info({ guild: saved.guildId, channel: saved.channelId, time, timezone, update: Boolean(existing) }, 'subscription saved');
		await respond(interaction, { content, ephemeral: true });
	},
	async autocomplete({ interaction, ctx }) {
		const focused = interaction.options.getFocused(true);
		if (focused.name === 'tag') {
			await interaction.respond(forumTagChoices(interaction, focused.value));
			return;
		}
		const matches = suggestTimeZones(interaction.options.getFocused(), interaction.locale, ctx.config.DEFAULT_TIMEZONE, MAX_CHOICES);
		await interaction.respond(matches.map((z) => choice(z, z)));
	},
};
