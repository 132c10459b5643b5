/**
 * Time zones as people type them. What is stored is always a canonical IANA name (or `UTC`),
 * so a subscription reads the same in every listing and every process; what is accepted is
 * what a member would write: any case, a city in English or Korean, an unambiguous
 * abbreviation, or a fixed offset.
 */

/** True for a name Intl knows as a time zone (IANA names, `UTC`, fixed `Etc/GMT±N`). */
export function isValidTimeZone(name: string): boolean {
	return canonical(name) !== null;
}

function canonical(name: string): string | null {
	try {
		return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
	} catch {
		return null;
	}
}

/** Every zone Intl knows, `UTC` first (it is not in the list Intl gives). */
export const ZONES: readonly string[] = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];

/*
 * Abbreviations are accepted only where one zone is meant. CST (China, US Central, Cuba), IST
 * (India, Israel, Ireland) and BST (British summer, Bangladesh) are refused with their
 * candidates rather than guessed. A summer/winter pair maps to the zone that switches between
 * them: `EST` typed in July still means New York, not a fixed UTC-5.
 */
const ABBREVIATIONS: Record<string, string> = {
	UTC: 'UTC',
	GMT: 'UTC',
	Z: 'UTC',
	KST: 'Asia/Seoul',
	JST: 'Asia/Tokyo',
	HKT: 'Asia/Hong_Kong',
	SGT: 'Asia/Singapore',
	PHT: 'Asia/Manila',
	WIB: 'Asia/Jakarta',
	ICT: 'Asia/Bangkok',
	EST: 'America/New_York',
	EDT: 'America/New_York',
	ET: 'America/New_York',
	CDT: 'America/Chicago',
	CT: 'America/Chicago',
	MST: 'America/Denver',
	MDT: 'America/Denver',
	MT: 'America/Denver',
	PST: 'America/Los_Angeles',
	PDT: 'America/Los_Angeles',
	PT: 'America/Los_Angeles',
	AKST: 'America/Anchorage',
	HST: 'Pacific/Honolulu',
	WET: 'Europe/Lisbon',
	CET: 'Europe/Paris',
	CEST: 'Europe/Paris',
	EET: 'Europe/Athens',
	MSK: 'Europe/Moscow',
	AEST: 'Australia/Sydney',
	AEDT: 'Australia/Sydney',
	NZST: 'Pacific/Auckland',
	NZDT: 'Pacific/Auckland',
};

const AMBIGUOUS: Record<string, readonly string[]> = {
	CST: ['America/Chicago', 'Asia/Shanghai', 'America/Havana'],
	IST: ['Asia/Kolkata', 'Asia/Jerusalem', 'Europe/Dublin'],
	BST: ['Europe/London', 'Asia/Dhaka'],
	AST: ['America/Halifax', 'Asia/Riyadh'],
};

/** Places people name that are not the city of an IANA zone, in English and Korean. */
const PLACES: Record<string, string> = {
	korea: 'Asia/Seoul',
	'south korea': 'Asia/Seoul',
	한국: 'Asia/Seoul',
	대한민국: 'Asia/Seoul',
	서울: 'Asia/Seoul',
	부산: 'Asia/Seoul',
	대전: 'Asia/Seoul',
	인천: 'Asia/Seoul',
	대구: 'Asia/Seoul',
	광주: 'Asia/Seoul',
	busan: 'Asia/Seoul',
	daejeon: 'Asia/Seoul',
	incheon: 'Asia/Seoul',
	japan: 'Asia/Tokyo',
	일본: 'Asia/Tokyo',
	도쿄: 'Asia/Tokyo',
	osaka: 'Asia/Tokyo',
	오사카: 'Asia/Tokyo',
	china: 'Asia/Shanghai',
	중국: 'Asia/Shanghai',
	beijing: 'Asia/Shanghai',
	베이징: 'Asia/Shanghai',
	상하이: 'Asia/Shanghai',
	shenzhen: 'Asia/Shanghai',
	홍콩: 'Asia/Hong_Kong',
	taiwan: 'Asia/Taipei',
	대만: 'Asia/Taipei',
	타이베이: 'Asia/Taipei',
	싱가포르: 'Asia/Singapore',
	india: 'Asia/Kolkata',
	인도: 'Asia/Kolkata',
	mumbai: 'Asia/Kolkata',
	delhi: 'Asia/Kolkata',
	'new delhi': 'Asia/Kolkata',
	bangalore: 'Asia/Kolkata',
	bengaluru: 'Asia/Kolkata',
	뉴욕: 'America/New_York',
	boston: 'America/New_York',
	보스턴: 'America/New_York',
	washington: 'America/New_York',
	워싱턴: 'America/New_York',
	시카고: 'America/Chicago',
	'san francisco': 'America/Los_Angeles',
	샌프란시스코: 'America/Los_Angeles',
	seattle: 'America/Los_Angeles',
	시애틀: 'America/Los_Angeles',
	로스앤젤레스: 'America/Los_Angeles',
	la: 'America/Los_Angeles',
	'silicon valley': 'America/Los_Angeles',
	토론토: 'America/Toronto',
	밴쿠버: 'America/Vancouver',
	montreal: 'America/Toronto',
	런던: 'Europe/London',
	uk: 'Europe/London',
	영국: 'Europe/London',
	파리: 'Europe/Paris',
	프랑스: 'Europe/Paris',
	베를린: 'Europe/Berlin',
	독일: 'Europe/Berlin',
	munich: 'Europe/Berlin',
	뮌헨: 'Europe/Berlin',
	취리히: 'Europe/Zurich',
	암스테르담: 'Europe/Amsterdam',
	시드니: 'Australia/Sydney',
	멜버른: 'Australia/Melbourne',
	오클랜드: 'Pacific/Auckland',
	utc: 'UTC',
	'협정 세계시': 'UTC',
};

/*
 * Whole-hour offsets are the `Etc/GMT` zones, whose sign is POSIX's (east is negative). The
 * other offsets people use are each a zone that has kept one offset for years, which behaves
 * the same; an offset a zone only reaches in summer is refused rather than mapped to a zone
 * that would move.
 */
const PART_HOUR_OFFSETS: Record<string, string> = {
	'+03:30': 'Asia/Tehran',
	'+04:30': 'Asia/Kabul',
	'+05:30': 'Asia/Kolkata',
	'+05:45': 'Asia/Kathmandu',
	'+06:30': 'Asia/Yangon',
	'+09:30': 'Australia/Darwin',
	'-09:30': 'Pacific/Marquesas',
};

function fromOffset(text: string): string | null | undefined {
	const m = /^(?:UTC|GMT)?\s*([+-−])\s*(\d{1,2})(?::?(\d{2}))?$/i.exec(text);
	if (!m) return undefined;
	const sign = m[1] === '+' ? '+' : '-';
	const hours = Number(m[2]);
	const minutes = Number(m[3] ?? 0);
	if (hours > 14 || minutes >= 60) return null;
	if (minutes === 0) return hours === 0 ? 'UTC' : `Etc/GMT${sign === '+' ? '-' : '+'}${hours}`;
	return PART_HOUR_OFFSETS[`${sign}${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`] ?? null;
}

const fold = (s: string) =>
	s
		.normalize('NFC')
		.toLowerCase()
		.replace(/[_\s]+/g, ' ')
		.trim();

/** The city of each zone (`America/Argentina/Buenos_Aires` → `buenos aires`), for looking a typed city up. */
const BY_CITY: ReadonlyMap<string, string> = (() => {
	const out = new Map<string, string>();
	for (const zone of ZONES) {
		const city = zone.split('/').at(-1);
		if (city && zone.includes('/') && !zone.startsWith('Etc/') && !out.has(fold(city))) out.set(fold(city), zone);
	}
	return out;
})();

const BY_NAME: ReadonlyMap<string, string> = new Map(ZONES.map((z) => [fold(z), z]));

export type ZoneAnswer = { kind: 'zone'; zone: string } | { kind: 'ambiguous'; candidates: readonly string[] } | { kind: 'unknown' };

/** What a member typed as a time zone, read as the zone they meant. */
export function resolveTimeZone(input: string): ZoneAnswer {
	const text = input.trim();
	if (!text || text.length > 64) return { kind: 'unknown' };
	const upper = text.toUpperCase();
	const ambiguous = AMBIGUOUS[upper];
	if (ambiguous) return { kind: 'ambiguous', candidates: ambiguous };
	const named = ABBREVIATIONS[upper] ?? PLACES[fold(text)];
	if (named) return { kind: 'zone', zone: named };
	const offset = fromOffset(text);
	if (offset) return { kind: 'zone', zone: offset };
	if (offset === null) return { kind: 'unknown' };
	// A name in another case is stored as the list spells it; Intl also knows aliases the list omits.
	const zone = BY_NAME.get(fold(text)) ?? canonical(text) ?? BY_CITY.get(fold(text));
	return zone ? { kind: 'zone', zone } : { kind: 'unknown' };
}

/** The zones a member of a Discord locale most likely means, offered before they type. */
const LOCALE_ZONES: Record<string, readonly string[]> = {
	ko: ['Asia/Seoul'],
	ja: ['Asia/Tokyo'],
	'zh-CN': ['Asia/Shanghai'],
	'zh-TW': ['Asia/Taipei'],
	'en-GB': ['Europe/London'],
	'en-US': ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'],
	de: ['Europe/Berlin'],
	fr: ['Europe/Paris'],
	'es-ES': ['Europe/Madrid'],
	'es-419': ['America/Mexico_City'],
	'pt-BR': ['America/Sao_Paulo'],
	it: ['Europe/Rome'],
	nl: ['Europe/Amsterdam'],
	pl: ['Europe/Warsaw'],
	ru: ['Europe/Moscow'],
	tr: ['Europe/Istanbul'],
	uk: ['Europe/Kyiv'],
	vi: ['Asia/Ho_Chi_Minh'],
	th: ['Asia/Bangkok'],
	id: ['Asia/Jakarta'],
	hi: ['Asia/Kolkata'],
};

/**
 * Autocomplete for a time-zone option: with nothing typed, the member's own zones, the
 * server's default and UTC; with something typed, what it resolves to, then zones whose name
 * or city contains it.
 */
export function suggestTimeZones(typed: string, discordLocale: string | null | undefined, fallback: string, limit: number): string[] {
	const out = new Set<string>();
	const text = fold(typed);
	if (!text) {
		for (const z of [...(LOCALE_ZONES[discordLocale ?? ''] ?? []), fallback, 'UTC']) out.add(z);
		for (const z of ZONES) out.add(z);
		return [...out].slice(0, limit);
	}
	const resolved = resolveTimeZone(typed);
	if (resolved.kind === 'zone') out.add(resolved.zone);
	if (resolved.kind === 'ambiguous') for (const z of resolved.candidates) out.add(z);
	for (const [place, zone] of Object.entries(PLACES)) if (place.startsWith(text)) out.add(zone);
	for (const z of ZONES) if (fold(z).includes(text)) out.add(z);
	return [...out].slice(0, limit);
}
