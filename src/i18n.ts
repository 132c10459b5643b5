/**
 * Replies follow the interaction's locale: Korean for `ko`, English otherwise. Every user-facing
 * string lives in this one table, in both languages, so a translation is never missing for a
 * reply nobody thought to test; a small table needs no framework.
 */
export type Locale = 'ko' | 'en-US';

export function localeOf(discordLocale: string | null | undefined): Locale {
	return discordLocale === 'ko' ? 'ko' : 'en-US';
}

type Params = Record<string, string | number>;
/** The languages a table entry must carry; the compiler refuses an entry missing either. */
type Entry = { ko: string; 'en-US': string };

export const MESSAGES = {
	'error.generic': {
		'en-US': 'Something went wrong on our side. It has been logged; please try again in a moment.',
		ko: '처리 중 문제가 발생했습니다. 기록해 두었으니 잠시 후 다시 시도해 주세요.',
	},
	'error.guildOnly': {
		'en-US': 'This command only works in a server.',
		ko: '이 명령어는 서버에서만 사용할 수 있습니다.',
	},
	'error.notAdmin': {
		'en-US': 'You need the **Manage Channels** permission to do this.',
		ko: '이 작업에는 **채널 관리** 권한이 필요합니다.',
	},
	'error.expiredButton': {
		'en-US': 'This button is no longer valid. Run the command again.',
		ko: '더 이상 사용할 수 없는 버튼입니다. 명령어를 다시 실행해 주세요.',
	},
	'error.storeUnavailable': {
		'en-US': "The bot's storage is unavailable, so nothing was saved. The bot's operator has been alerted in its logs; please try again later.",
		ko: '봇의 저장소를 사용할 수 없어 아무것도 저장하지 않았습니다. 봇 운영자에게 로그로 알렸으니 나중에 다시 시도해 주세요.',
	},
	'paper.malformed': {
		'en-US':
			'{input} is not an arXiv id, and no paper title in the digests holds those words. Try an id like `2412.04887`, an arxiv.org / huggingface.co/papers link, or other title words.',
		ko: '{input}은(는) arXiv ID가 아니고, 그 단어가 들어간 논문 제목도 다이제스트에 없습니다. `2412.04887` 같은 ID, arxiv.org / huggingface.co/papers 링크 또는 다른 제목 단어를 입력해 주세요.',
	},
	'paper.unknown': {
		'en-US': 'Paper `{id}` is not in any digest yet. It is on arXiv: <{url}>',
		ko: '`{id}` 논문은 아직 어떤 다이제스트에도 없습니다. arXiv에서 보기: <{url}>',
	},
	'paper.appeared': {
		'en-US': 'In the digest of {dates}.',
		ko: '{dates} 다이제스트에 실렸습니다.',
	},
	'archive.reading': {
		'en-US': '-# The archive is still being read after a start ({read} of {total} files), so this may change in a moment.',
		ko: '-# 시작 후 아직 아카이브를 읽는 중이라({total}개 파일 중 {read}개) 잠시 후에는 결과가 달라질 수 있습니다.',
	},
	'archive.empty': {
		'en-US': 'No digest has been loaded yet.',
		ko: '아직 불러온 다이제스트가 없습니다.',
	},
	'digest.badDate': {
		'en-US': '{input} is not a date. Use YYYY-MM-DD, e.g. `2024-12-09`, or `latest`, or pick one from the list.',
		ko: '{input}은(는) 날짜 형식이 아닙니다. `2024-12-09`처럼 YYYY-MM-DD로 입력하거나, `latest`를 입력하거나, 목록에서 골라 주세요.',
	},
	'digest.unknownBetween': {
		'en-US': 'There is no digest for {date}. The nearest are {before} (before) and {after} (after).',
		ko: '{date} 다이제스트가 없습니다. 가장 가까운 다이제스트는 {before}(이전)와 {after}(이후)입니다.',
	},
	'digest.unknownBefore': {
		'en-US': 'There is no digest for {date}. The nearest is {before}, the latest.',
		ko: '{date} 다이제스트가 없습니다. 가장 가까운 다이제스트는 가장 최근인 {before}입니다.',
	},
	'digest.unknownAfter': {
		'en-US': 'There is no digest for {date}. The nearest is {after}, the earliest.',
		ko: '{date} 다이제스트가 없습니다. 가장 가까운 다이제스트는 가장 오래된 {after}입니다.',
	},
	'digest.page': {
		'en-US': 'Daily Papers — {date} · page {page}/{pages}',
		ko: '데일리 페이퍼 — {date} · {page}/{pages} 페이지',
	},
	'top.title': {
		'en-US': 'Top papers — {period}',
		ko: '인기 논문 — {period}',
	},
	'top.empty': {
		'en-US': 'No papers in this period.',
		ko: '이 기간에는 논문이 없습니다.',
	},
	'top.footer': {
		'en-US': 'Page {page}/{pages} · {from} – {to} · {total} papers',
		ko: '{page}/{pages} 페이지 · {from} – {to} · {total}편',
	},
	'period.day': { 'en-US': 'day', ko: '하루' },
	'period.week': { 'en-US': 'week', ko: '일주일' },
	'period.month': { 'en-US': 'month', ko: '한 달' },
	'period.year': { 'en-US': 'year', ko: '1년' },
	'period.all': { 'en-US': 'all time', ko: '전체 기간' },
	'search.title': {
		'en-US': 'Search: {query}',
		ko: '검색: {query}',
	},
	'search.none': {
		'en-US': 'No paper matches {query}.',
		ko: '{query}와(과) 일치하는 논문이 없습니다.',
	},
	'search.footer': {
		'en-US': 'Page {page}/{pages} · {total} matches',
		ko: '{page}/{pages} 페이지 · {total}건',
	},
	'search.tooShort': {
		'en-US': 'Type at least 2 characters to search.',
		ko: '두 글자 이상 입력해 주세요.',
	},
	'sub.badTime': {
		'en-US': '{input} is not a time. Use 24-hour HH:MM, e.g. `09:00` or `18:30`.',
		ko: '{input}은(는) 올바른 시각이 아닙니다. `09:00`, `18:30`처럼 24시간 HH:MM으로 입력해 주세요.',
	},
	'sub.badZone': {
		'en-US': '{input} is not a time zone. Use a city (`Seoul`), an IANA name (`America/New_York`) or an offset (`UTC+9`); autocomplete helps.',
		ko: '{input}은(는) 시간대가 아닙니다. 도시 이름(`서울`), IANA 이름(`America/New_York`), 오프셋(`UTC+9`)으로 입력해 주세요 (자동 완성 참고).',
	},
	'sub.ambiguousZone': {
		'en-US': '{input} names more than one time zone: {zones}. Pick the one you mean.',
		ko: '{input}은(는) 여러 시간대를 가리킵니다: {zones}. 원하는 시간대를 골라 주세요.',
	},
	'sub.notHere': {
		'en-US': 'That channel is not a text channel of this server.',
		ko: '이 서버의 텍스트 채널이 아닙니다.',
	},
	'sub.everyone': {
		'en-US': 'Paperboy does not mention @everyone. Pick a role to mention.',
		ko: 'Paperboy는 @everyone을 멘션하지 않습니다. 멘션할 역할을 골라 주세요.',
	},
	'sub.roleNotMentionable': {
		'en-US': '{role} is not mentionable, and you cannot mention it yourself here, so Paperboy will not ping it for you.',
		ko: '{role} 역할은 멘션할 수 없게 설정되어 있고 이 채널에서 직접 멘션할 권한도 없어, Paperboy가 대신 멘션하지 않습니다.',
	},
	'sub.unknownRole': {
		'en-US': 'That role is not in this server.',
		ko: '이 서버에 없는 역할입니다.',
	},
	'sub.missingPermissions.one': {
		'en-US': 'I cannot post in {channel}: missing {permissions}. Grant it to Paperboy in the channel settings, then try again.',
		ko: '{channel}에 글을 올릴 수 없습니다. 빠진 권한: {permissions}. 채널 설정에서 Paperboy에게 권한을 준 뒤 다시 시도해 주세요.',
	},
	'sub.missingPermissions.other': {
		'en-US': 'I cannot post in {channel}: missing {permissions}. Grant them to Paperboy in the channel settings, then try again.',
		ko: '{channel}에 글을 올릴 수 없습니다. 빠진 권한: {permissions}. 채널 설정에서 Paperboy에게 권한을 준 뒤 다시 시도해 주세요.',
	},
	'pause.missingPermissions': { 'en-US': 'the bot needs {permissions} here', ko: '봇에게 이 채널의 {permissions} 권한이 필요합니다' },
	'pause.embedsRemoved': {
		'en-US': 'the bot needs Embed Links here (Discord removed the embeds)',
		ko: '봇에게 이 채널의 링크 첨부 권한이 필요합니다 (Discord가 임베드를 지웠습니다)',
	},
	'pause.missingAccess': { 'en-US': 'the bot cannot see this channel', ko: '봇이 이 채널을 볼 수 없습니다' },
	'pause.unknownChannel': { 'en-US': 'the channel no longer exists', ko: '채널이 더 이상 없습니다' },
	'pause.other': { 'en-US': 'Discord refused: {reason}', ko: 'Discord가 거부했습니다: {reason}' },
	'perm.viewChannel': { 'en-US': 'View Channel', ko: '채널 보기' },
	'perm.sendMessages': { 'en-US': 'Send Messages', ko: '메시지 보내기' },
	'perm.embedLinks': { 'en-US': 'Embed Links', ko: '링크 첨부' },
	'perm.createPublicThreads': { 'en-US': 'Create Public Threads', ko: '공개 스레드 만들기' },
	'perm.sendMessagesInThreads': { 'en-US': 'Send Messages in Threads', ko: '스레드에서 메시지 보내기' },
	'perm.readMessageHistory': { 'en-US': 'Read Message History', ko: '메시지 기록 보기' },
	'sub.saved': {
		'en-US': 'Subscribed {channel}: daily at {time} ({timezone}). Next run: {next}. It starts with the next digest.',
		ko: '{channel} 구독 완료: 매일 {time} ({timezone}). 다음 실행: {next}. 다음 다이제스트부터 올립니다.',
	},
	'sub.updated': {
		'en-US': 'Updated {channel}: daily at {time} ({timezone}). Next run: {next}.',
		ko: '{channel} 구독 설정을 바꿨습니다: 매일 {time} ({timezone}). 다음 실행: {next}.',
	},
	'sub.unmentionable': {
		'en-US': 'Note: {role} is not mentionable and I lack Mention Everyone, so it will be shown but will not ping.',
		ko: '참고: {role} 역할은 멘션할 수 없게 설정되어 있어 표시만 되고 알림은 가지 않습니다.',
	},
	'sub.none': {
		'en-US': '{channel} is not subscribed.',
		ko: '{channel}은(는) 구독 중이 아닙니다.',
	},
	'sub.removed': {
		'en-US': 'Unsubscribed {channel}. Nothing more will be posted there.',
		ko: '{channel} 구독을 해지했습니다. 더 이상 올리지 않습니다.',
	},
	'sub.listTitle': { 'en-US': 'Subscriptions in this server', ko: '이 서버의 구독' },
	'sub.listEmpty': {
		'en-US': 'No channel in this server is subscribed. Use `/subscribe` to start.',
		ko: '구독 중인 채널이 없습니다. `/subscribe`로 시작해 보세요.',
	},
	'sub.line': {
		'en-US': '{channel} · {time} {timezone}{filters} · last posted: {last} · checked: {checked} · next: {next}',
		ko: '{channel} · {time} {timezone}{filters} · 최근 게시: {last} · 확인: {checked} · 다음: {next}',
	},
	'sub.pausedLine': {
		'en-US': '⏸️ paused: {reason} — fix it, then `/resume`',
		ko: '⏸️ 일시 정지: {reason} — 고친 뒤 `/resume`',
	},
	'sub.notPaused': {
		'en-US': '{channel} is not paused; nothing to resume.',
		ko: '{channel}은(는) 일시 정지 상태가 아닙니다.',
	},
	'sub.resumed': {
		'en-US': 'Resumed {channel}. Missed digests are on their way.',
		ko: '{channel} 구독을 다시 시작했습니다. 놓친 다이제스트를 곧 올립니다.',
	},
	'sub.pausedNotice': {
		'en-US': '⏸️ Paperboy paused the daily digest in {channel}: {reason}. Fix it, then run `/resume` there.',
		ko: '⏸️ Paperboy가 {channel}의 데일리 다이제스트를 일시 정지했습니다: {reason}. 문제를 고친 뒤 그 채널에서 `/resume`을 실행해 주세요.',
	},
	'sub.never': { 'en-US': 'never', ko: '없음' },
	'sub.quiet': {
		'en-US':
			'⚠️ No new digest since {date} ({days} days): the digest source may have stopped. Subscriptions stay as they are and get the next digest that arrives.',
		ko: '⚠️ {date} 이후 새 다이제스트가 없습니다({days}일째). 다이제스트 원본이 멈췄을 수 있습니다. 구독은 그대로이며 다음 다이제스트가 들어오면 전달합니다.',
	},
	'paper.votes': { 'en-US': 'Votes', ko: '추천' },
	'paper.authors': { 'en-US': 'Authors', ko: '저자' },
	'paper.others.one': { 'en-US': ' and {n} other', ko: ' 외 {n}명' },
	'paper.others.other': { 'en-US': ' and {n} others', ko: ' 외 {n}명' },
	'digest.header.one': { 'en-US': '📰 **Daily Papers — {date}** ({count} paper)', ko: '📰 **데일리 페이퍼 — {date}** (논문 {count}편)' },
	'digest.header.other': { 'en-US': '📰 **Daily Papers — {date}** ({count} papers)', ko: '📰 **데일리 페이퍼 — {date}** (논문 {count}편)' },
	'digest.choice.one': { 'en-US': '{date} · {count} paper', ko: '{date} · 논문 {count}편' },
	'digest.choice.other': { 'en-US': '{date} · {count} papers', ko: '{date} · 논문 {count}편' },
	'digest.added.one': { 'en-US': '📰 **{count} paper added to the {date} digest**', ko: '📰 **{date} 데일리 페이퍼에 논문 {count}편 추가**' },
	'digest.added.other': { 'en-US': '📰 **{count} papers added to the {date} digest**', ko: '📰 **{date} 데일리 페이퍼에 논문 {count}편 추가**' },
	'digest.thread': { 'en-US': 'Daily Papers {date}', ko: '데일리 페이퍼 {date}' },
	'list.empty': { 'en-US': 'No papers.', ko: '논문이 없습니다.' },
	'list.more': { 'en-US': '… and {n} more', ko: '… 외 {n}편' },
	// The digests label their bullets in English whatever language the summary is in.
	'summary.whatsNew': { 'en-US': "What's New", ko: '새로운 점' },
	'summary.technicalDetails': { 'en-US': 'Technical Details', ko: '기술적 세부 사항' },
	'summary.performanceHighlights': { 'en-US': 'Performance Highlights', ko: '성능 하이라이트' },
	'summary.abstract': { 'en-US': 'Abstract', ko: '초록' },
	'sub.filter.minVotes': { 'en-US': ' · ≥{n} votes', ko: ' · 추천 {n}개 이상' },
	'sub.filter.top': { 'en-US': ' · top {n}', ko: ' · 상위 {n}편' },
	'sub.filter.thread': { 'en-US': ' · thread', ko: ' · 스레드' },
	'sub.filter.compact': { 'en-US': ' · compact', ko: ' · 간단히' },
	'sub.filter.include': { 'en-US': ' · only: {terms}', ko: ' · 포함: {terms}' },
	'sub.filter.exclude': { 'en-US': ' · not: {terms}', ko: ' · 제외: {terms}' },
	'sub.confirmOptions': { 'en-US': 'Posting: {options}.', ko: '게시 방식: {options}.' },
	'sub.option.cards': { 'en-US': 'a card per paper', ko: '논문마다 카드' },
	'sub.option.compact': { 'en-US': 'a compact list with summaries on request', ko: '요약은 골라 읽는 간단한 목록' },
	'sub.option.all': { 'en-US': 'every paper', ko: '모든 논문' },
	'sub.option.minVotes': { 'en-US': 'at least {n} votes', ko: '추천 {n}개 이상' },
	'sub.option.top': { 'en-US': 'the {n} most-voted', ko: '추천 상위 {n}편' },
	'sub.option.include': { 'en-US': 'only papers about {terms}', ko: '{terms} 관련 논문만' },
	'sub.option.exclude': { 'en-US': 'none about {terms}', ko: '{terms} 관련 논문 제외' },
	'sub.option.mention': { 'en-US': 'mentioning {role}', ko: '{role} 멘션' },
	'sub.option.thread': { 'en-US': 'in a thread per digest', ko: '다이제스트마다 스레드' },
	'sub.badTerms': {
		'en-US': '{input} holds no word to match. Give comma-separated words or phrases, e.g. `LLM, reasoning, 강화학습`.',
		ko: '{input}에는 찾을 단어가 없습니다. `LLM, reasoning, 강화학습`처럼 쉼표로 나눈 단어나 구를 입력해 주세요.',
	},
	'sub.tooManyTerms': {
		'en-US': 'A filter takes at most {max} words or phrases.',
		ko: '필터에는 단어나 구를 {max}개까지 넣을 수 있습니다.',
	},
	'sub.previewIntro': {
		'en-US': 'Preview — nothing was saved. With these options {channel} would get, for the {date} digest:',
		ko: '미리 보기 — 아무것도 저장하지 않았습니다. 이 설정이면 {channel}에 {date} 다이제스트가 이렇게 올라갑니다:',
	},
	'sub.previewEmpty': {
		'en-US': 'Preview — nothing was saved. With these options no paper of the {date} digest would be posted to {channel}.',
		ko: '미리 보기 — 아무것도 저장하지 않았습니다. 이 설정이면 {date} 다이제스트에서 {channel}에 올라갈 논문이 없습니다.',
	},
	'compact.pick': { 'en-US': 'Read a summary', ko: '요약 읽기' },
	'digest.weeklyThread': { 'en-US': 'Weekly top {from} – {to}', ko: '주간 인기 {from} – {to}' },
	'digest.weeklyHeader.one': { 'en-US': '📰 **Weekly top — {from} – {to}** ({count} paper)', ko: '📰 **주간 인기 논문 — {from} – {to}** (논문 {count}편)' },
	'digest.weeklyHeader.other': { 'en-US': '📰 **Weekly top — {from} – {to}** ({count} papers)', ko: '📰 **주간 인기 논문 — {from} – {to}** (논문 {count}편)' },
	'sub.option.weekly': { 'en-US': 'weekly on {day}', ko: '매주 {day}' },
	'sub.filter.weekly': { 'en-US': ' · weekly, {day}', ko: ' · 매주 {day}' },
	'sub.option.forum': { 'en-US': 'a forum post per digest', ko: '다이제스트마다 포럼 게시물' },
	'sub.option.forumTag': { 'en-US': 'tagged {tag}', ko: '태그 {tag}' },
	'sub.filter.forum': { 'en-US': ' · forum', ko: ' · 포럼' },
	'sub.tagRequired': {
		'en-US': '{channel} requires a tag on every post. Choose one with `tag:`: {tags}.',
		ko: '{channel} 포럼은 게시물마다 태그가 필요합니다. `태그:`로 하나를 골라 주세요: {tags}.',
	},
	'sub.unknownTag': {
		'en-US': '{input} is not a tag of {channel}. Its tags: {tags}.',
		ko: '{input}은(는) {channel}의 태그가 아닙니다. 이 포럼의 태그: {tags}.',
	},
	'sub.noTags': { 'en-US': 'none', ko: '없음' },
	'sub.tagNotForum': {
		'en-US': '`tag:` applies to a forum channel only, and {channel} is not one.',
		ko: '`태그:`는 포럼 채널에만 쓸 수 있는데, {channel}은(는) 포럼이 아닙니다.',
	},
	'sub.forumThread': {
		'en-US': '{channel} is a forum: each digest is already its own post (a thread there), so `thread:` does not apply. Leave it out.',
		ko: '{channel}은(는) 포럼이라 다이제스트마다 이미 게시물(스레드) 하나가 됩니다. `스레드:` 옵션은 빼 주세요.',
	},
	'pause.tagRequired': {
		'en-US': 'the forum now requires a tag on each post: choose one with /subscribe `tag:`',
		ko: '포럼이 이제 게시물마다 태그를 요구합니다: /subscribe `태그:`로 하나를 골라 주세요',
	},
	'weekday.1': { 'en-US': 'Monday', ko: '월요일' },
	'weekday.2': { 'en-US': 'Tuesday', ko: '화요일' },
	'weekday.3': { 'en-US': 'Wednesday', ko: '수요일' },
	'weekday.4': { 'en-US': 'Thursday', ko: '목요일' },
	'weekday.5': { 'en-US': 'Friday', ko: '금요일' },
	'weekday.6': { 'en-US': 'Saturday', ko: '토요일' },
	'weekday.7': { 'en-US': 'Sunday', ko: '일요일' },
	'compact.pickRange': { 'en-US': 'Read a summary ({from}–{to})', ko: '요약 읽기 ({from}–{to})' },
	'paper.links': { 'en-US': 'Links', ko: '링크' },
	'paper.affiliation': { 'en-US': 'Affiliation', ko: '기관' },
	'paper.link.abstract': { 'en-US': 'arXiv', ko: 'arXiv' },
	'paper.link.pdf': { 'en-US': 'PDF', ko: 'PDF' },
	'paper.link.hf': { 'en-US': 'Hugging Face', ko: 'Hugging Face' },
	'top.footerCapped': {
		'en-US': 'Page {page}/{pages} · {from} – {to} · top {shown} of {total} papers',
		ko: '{page}/{pages} 페이지 · {from} – {to} · {total}편 중 상위 {shown}편',
	},
	'option.range': {
		'en-US': '`{option}` takes a whole number from {min} to {max}; {input} is not one.',
		ko: '`{option}`에는 {min}부터 {max}까지의 정수를 넣어 주세요. {input}은(는) 범위를 벗어납니다.',
	},
	'option.choice': {
		'en-US': '`{option}` takes one of {choices}; {input} is not one of them.',
		ko: '`{option}`에는 {choices} 중 하나를 넣어 주세요. {input}은(는) 그중에 없습니다.',
	},
	'paper.pick': {
		'en-US': 'Several papers match {input}. Run `/paper` again with one of these ids:\n{list}',
		ko: '{input}와(과) 맞는 논문이 여럿입니다. 아래 ID 중 하나로 `/paper`를 다시 실행해 주세요:\n{list}',
	},
	'button.previous': { 'en-US': 'Previous', ko: '이전' },
	'button.next': { 'en-US': 'Next', ko: '다음' },
	'help.title': { 'en-US': 'Paperboy', ko: 'Paperboy' },
	'help.body': {
		'en-US':
			'Paperboy posts a daily digest of research papers, one embed per paper, and lets anyone look papers up.\n\n' +
			'**Look up**\n`/paper id:` a paper by arXiv id or link\n`/top period: limit:` the most-voted papers\n' +
			"`/digest date:` a day's digest\n`/search query:` titles, authors and summaries\n\n" +
			'**Subscribe a channel** (needs Manage Channels)\n`/subscribe channel: time: timezone:` the daily post, e.g. 09:00 Asia/Seoul; ' +
			"options `min_votes`, `top`, `mention`, `thread`\n`/subscriptions` this server's list · `/unsubscribe` · `/resume` after fixing permissions\n\n" +
			'The bot needs **View Channel**, **Send Messages** and **Embed Links** in the channel (plus thread permissions for `thread`).',
		ko:
			'Paperboy는 매일 연구 논문 다이제스트를 논문마다 임베드 하나로 올리고, 누구나 논문을 찾아볼 수 있게 합니다.\n\n' +
			'**찾아보기**\n`/paper id:` arXiv ID나 링크로 논문 보기\n`/top period: limit:` 추천이 많은 논문\n' +
			'`/digest date:` 특정 날짜의 다이제스트\n`/search query:` 제목·저자·요약 검색\n\n' +
			'**채널 구독** (채널 관리 권한 필요)\n`/subscribe channel: time: timezone:` 매일 올릴 시각, 예: 09:00 Asia/Seoul; ' +
			'옵션 `min_votes`, `top`, `mention`, `thread`\n`/subscriptions` 이 서버의 구독 목록 · `/unsubscribe` · 권한을 고친 뒤 `/resume`\n\n' +
			'봇에게 채널의 **채널 보기**, **메시지 보내기**, **링크 첨부** 권한이 필요합니다 (`thread`는 스레드 권한도).',
	},
	// Members: saved papers, follows, alerts by DM, forget-me.
	'save.button': { 'en-US': '🔖 Save', ko: '🔖 저장' },
	'save.saved.one': { 'en-US': 'Saved 1 paper to your list (`/saved list`).', ko: '논문 1편을 내 목록에 저장했습니다 (`/saved list`).' },
	'save.saved.other': { 'en-US': 'Saved {count} papers to your list (`/saved list`).', ko: '논문 {count}편을 내 목록에 저장했습니다 (`/saved list`).' },
	'save.already': { 'en-US': 'Already on your list.', ko: '이미 내 목록에 있습니다.' },
	'save.full': {
		'en-US': 'Your list is full ({max} papers): remove some with `/saved remove` first.',
		ko: '목록이 가득 찼습니다 (논문 {max}편). 먼저 `/saved remove`로 몇 편을 빼 주세요.',
	},
	'save.none': { 'en-US': 'This message shows no paper from the digests.', ko: '이 메시지에는 다이제스트의 논문이 없습니다.' },
	'save.notPaperboy': {
		'en-US': "Papers can only be saved from Paperboy's own messages (a digest, a `/paper` or `/search` answer).",
		ko: 'Paperboy가 올린 메시지(다이제스트, `/paper`·`/search` 답변)에서만 논문을 저장할 수 있습니다.',
	},
	'save.pick': { 'en-US': 'Which papers do you want to save?', ko: '어떤 논문을 저장할까요?' },
	'saved.title': { 'en-US': 'Your saved papers', ko: '내가 저장한 논문' },
	'saved.footer': { 'en-US': 'Page {page}/{pages} · {total} papers · only you see this', ko: '{page}/{pages}쪽 · 논문 {total}편 · 나만 볼 수 있음' },
	'saved.empty': {
		'en-US': 'Your list is empty. Save a paper with 🔖 under a `/paper` answer, or on any digest with Apps → Save papers.',
		ko: '목록이 비어 있습니다. `/paper` 답변 아래 🔖 버튼이나, 다이제스트 메시지의 앱 → 논문 저장으로 저장하세요.',
	},
	'saved.removed': { 'en-US': 'Removed {id} from your list.', ko: '{id}을(를) 내 목록에서 뺐습니다.' },
	'saved.notSaved': { 'en-US': '{id} is not on your list.', ko: '{id}은(는) 내 목록에 없습니다.' },
	'saved.notYours': {
		'en-US': 'This belongs to another member. Run the command yourself to see your own.',
		ko: '다른 멤버의 것입니다. 직접 명령어를 실행해 내 것을 보세요.',
	},
	'saved.exported': { 'en-US': 'Your {count} saved papers: {format}', ko: '저장한 논문 {count}편: {format}' },
	'follow.added': {
		'en-US': 'Following {query}. When a new digest has papers matching it, Paperboy sends you one DM listing them.',
		ko: '{query}을(를) 팔로우합니다. 새 다이제스트에 맞는 논문이 있으면 Paperboy가 DM 한 통으로 알려 드립니다.',
	},
	'follow.exists': { 'en-US': 'You already follow {query}.', ko: '이미 {query}을(를) 팔로우하고 있습니다.' },
	'follow.resumed': { 'en-US': 'Alerts by DM are on again.', ko: 'DM 알림을 다시 켰습니다.' },
	'follow.full': {
		'en-US': 'You follow {max} searches already, the most there can be: remove one with `/unfollow` first.',
		ko: '이미 최대 개수인 {max}개를 팔로우하고 있습니다. 먼저 `/unfollow`로 하나를 빼 주세요.',
	},
	'follow.tooShort': { 'en-US': 'A follow needs at least one word to look for.', ko: '팔로우에는 찾을 단어가 하나 이상 있어야 합니다.' },
	'follows.title': { 'en-US': '**Your follows** ({count}/{max}, only you see this)', ko: '**내 팔로우** ({count}/{max}, 나만 볼 수 있음)' },
	'follows.none': { 'en-US': 'You follow nothing yet. `/follow query:` adds a search.', ko: '아직 팔로우가 없습니다. `/follow query:`로 추가하세요.' },
	'follows.last': { 'en-US': 'last matched {date}', ko: '마지막 일치 {date}' },
	'follows.never': { 'en-US': 'no match yet', ko: '아직 일치 없음' },
	'follows.paused': {
		'en-US': '⚠️ Alerts are paused: {reason}. Allow direct messages from this server (or add Paperboy), then run `/follow` again.',
		ko: '⚠️ 알림이 일시 중지되었습니다: {reason}. 이 서버 멤버의 DM을 허용한 뒤 `/follow`를 다시 실행하세요.',
	},
	'unfollow.done': { 'en-US': 'No longer following {query}.', ko: '{query} 팔로우를 그만두었습니다.' },
	'unfollow.unknown': {
		'en-US': 'You do not follow {query}. `/follows` lists what you do.',
		ko: '{query}은(는) 팔로우하고 있지 않습니다. `/follows`에서 목록을 보세요.',
	},
	'alert.title': { 'en-US': 'New papers for your follows — {date}', ko: '팔로우와 맞는 새 논문 — {date}' },
	'alert.footer': { 'en-US': 'You follow: {queries} · /unfollow to stop', ko: '팔로우: {queries} · 그만두려면 /unfollow' },
	'alert.more': { 'en-US': '… and {count} more in the digest', ko: '… 외 {count}편은 다이제스트에서' },
	'forget.confirm': {
		'en-US':
			'This deletes everything Paperboy keeps about you, in every server: {saved} saved papers, {follows} follows, and the record of alerts sent to you. It cannot be undone.',
		ko: 'Paperboy가 모든 서버에서 나에 대해 보관한 것을 삭제합니다: 저장한 논문 {saved}편, 팔로우 {follows}개, 보낸 알림 기록. 되돌릴 수 없습니다.',
	},
	'forget.button': { 'en-US': 'Delete my data', ko: '내 정보 삭제' },
	'forget.done': { 'en-US': 'Done: everything Paperboy kept about you is deleted.', ko: '완료: Paperboy가 보관하던 내 정보를 모두 삭제했습니다.' },
	'help.membersTitle': { 'en-US': 'Your own papers and alerts', ko: '나만의 논문과 알림' },
	'help.members': {
		'en-US':
			'🔖 under `/paper`, or Apps → **Save papers** on a digest, saves papers to your list; `/saved list`, `/saved remove`, `/saved export` (BibTeX, CSV, Markdown).\n' +
			'`/follow query:` sends you one DM per new digest with papers matching it (up to 20 follows); `/follows`, `/unfollow`.\n\n' +
			'**What is kept:** your user id with your saved papers (id and when), your follows (the words and when), and for each digest the alert sent to you (which papers; kept 60 days), in every server alike. Nobody else sees any of it. `/forget-me` deletes it all.',
		ko:
			'`/paper` 아래 🔖 또는 다이제스트 메시지의 앱 → **논문 저장**으로 내 목록에 저장합니다. `/saved list`, `/saved remove`, `/saved export` (BibTeX, CSV, Markdown).\n' +
			'`/follow query:`는 새 다이제스트에 맞는 논문이 있을 때 DM 한 통으로 알려 줍니다 (최대 20개). `/follows`, `/unfollow`.\n\n' +
			'**보관하는 것:** 내 사용자 ID와 저장한 논문(ID와 시각), 팔로우(단어와 시각), 다이제스트마다 보낸 알림(어떤 논문인지, 60일 보관). 모든 서버에서 같고, 다른 누구도 볼 수 없습니다. `/forget-me`로 모두 삭제됩니다.',
	},
} satisfies Record<string, Entry>;

export type MessageKey = keyof typeof MESSAGES;

export function t(locale: Locale, key: MessageKey, params: Params = {}): string {
	const template: string = MESSAGES[key][locale];
	return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Keys written as `<base>.one` / `<base>.other`, chosen by the count's plural category. */
export type PluralKey = { [K in MessageKey]: K extends `${infer B}.one` ? B : never }[MessageKey];

const pluralRules = { ko: new Intl.PluralRules('ko'), 'en-US': new Intl.PluralRules('en-US') } as const;

export function tCount(locale: Locale, key: PluralKey, count: number, params: Params = {}): string {
	const form = pluralRules[locale].select(count) === 'one' ? 'one' : 'other';
	return t(locale, `${key}.${form}`, { count, n: count, ...params });
}

const PERMISSIONS = [
	'perm.viewChannel',
	'perm.sendMessages',
	'perm.embedLinks',
	'perm.createPublicThreads',
	'perm.sendMessagesInThreads',
	'perm.readMessageHistory',
] as const;

/**
 * Permissions by their names in Discord's English UI (how they are logged and stored), in the
 * reader's language as one phrase: "View Channel and Embed Links", "채널 보기, 링크 첨부".
 */
export function permissionList(locale: Locale, englishNames: readonly string[]): string {
	const names = englishNames.map((name) => {
		const key = PERMISSIONS.find((k) => MESSAGES[k]['en-US'] === name);
		return key ? MESSAGES[key][locale] : name;
	});
	return new Intl.ListFormat(locale, { type: 'conjunction', style: 'long' }).format(names);
}

const SUMMARY_LABELS = ['summary.whatsNew', 'summary.technicalDetails', 'summary.performanceHighlights', 'summary.abstract'] as const;
const fold = (label: string) => label.toLowerCase().replace(/[’‘]/g, "'").replace(/\s+/g, ' ').trim();

/**
 * A summary label in the reader's language when it is one of the standard ones (written in
 * either language); any other label is the digest author's own word and is kept as written.
 */
export function summaryLabel(locale: Locale, label: string): string {
	const wanted = fold(label);
	const key = SUMMARY_LABELS.find((k) => fold(MESSAGES[k]['en-US']) === wanted || fold(MESSAGES[k].ko) === wanted);
	return key ? MESSAGES[key][locale] : label;
}
