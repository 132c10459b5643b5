import { describe, expect, it } from 'vitest';
import { isValidTimeZone, resolveTimeZone, suggestTimeZones } from '../src/time/zones.ts';

const zone = (input: string) => {
	const r = resolveTimeZone(input);
	return r.kind === 'zone' ? r.zone : r.kind;
};

describe('time zones as people type them', () => {
	it('stores the canonical spelling of an IANA name typed in any case', () => {
		expect(zone('asia/seoul')).toBe('Asia/Seoul');
		expect(zone('AMERICA/NEW_YORK')).toBe('America/New_York');
		expect(zone('america/new york')).toBe('America/New_York');
		expect(zone('utc')).toBe('UTC');
	});

	it('accepts a city in English or Korean, and a country with one zone', () => {
		expect(zone('Seoul')).toBe('Asia/Seoul');
		expect(zone('서울')).toBe('Asia/Seoul');
		expect(zone('new york')).toBe('America/New_York');
		expect(zone('뉴욕')).toBe('America/New_York');
		expect(zone('Buenos Aires')).toMatch(/^America\/(Argentina\/)?Buenos_Aires$/); // the list Intl gives spells it either way
		expect(zone('korea')).toBe('Asia/Seoul');
	});

	it('accepts unambiguous abbreviations as the zone that keeps summer time', () => {
		expect(zone('KST')).toBe('Asia/Seoul');
		expect(zone('kst')).toBe('Asia/Seoul');
		expect(zone('EST')).toBe('America/New_York');
		expect(zone('PDT')).toBe('America/Los_Angeles');
	});

	it('refuses an ambiguous abbreviation, naming what it could mean', () => {
		expect(resolveTimeZone('CST')).toEqual({ kind: 'ambiguous', candidates: ['America/Chicago', 'Asia/Shanghai', 'America/Havana'] });
		expect(resolveTimeZone('IST').kind).toBe('ambiguous');
	});

	it('reads fixed offsets in the usual spellings', () => {
		expect(zone('GMT+9')).toBe('Etc/GMT-9');
		expect(zone('UTC+09:00')).toBe('Etc/GMT-9');
		expect(zone('+0900')).toBe('Etc/GMT-9');
		expect(zone('UTC-5')).toBe('Etc/GMT+5');
		expect(zone('UTC+0')).toBe('UTC');
		expect(zone('UTC+05:30')).toBe('Asia/Kolkata');
		for (const z of ['Etc/GMT-9', 'Etc/GMT+5', 'Asia/Kolkata']) expect(isValidTimeZone(z)).toBe(true);
	});

	it('refuses what is no zone at all, and offsets no zone keeps all year', () => {
		expect(zone('Mars/Olympus')).toBe('unknown');
		expect(zone('UTC+15')).toBe('unknown');
		expect(zone('UTC+01:15')).toBe('unknown');
		expect(zone('')).toBe('unknown');
		expect(zone('x'.repeat(200))).toBe('unknown');
	});

	it("starts autocomplete with the member's own zones, then the server default and UTC", () => {
		expect(suggestTimeZones('', 'ko', 'UTC', 25).slice(0, 2)).toEqual(['Asia/Seoul', 'UTC']);
		expect(suggestTimeZones('', 'en-US', 'Europe/Berlin', 25).slice(0, 6)).toEqual([
			'America/New_York',
			'America/Chicago',
			'America/Denver',
			'America/Los_Angeles',
			'Europe/Berlin',
			'UTC',
		]);
		expect(suggestTimeZones('', 'ko', 'UTC', 25)).toHaveLength(25);
	});

	it('matches typed cities, Korean names and abbreviations in autocomplete', () => {
		expect(suggestTimeZones('seoul', 'en-US', 'UTC', 25)[0]).toBe('Asia/Seoul');
		expect(suggestTimeZones('서', 'ko', 'UTC', 25)).toContain('Asia/Seoul');
		expect(suggestTimeZones('kst', 'ko', 'UTC', 25)[0]).toBe('Asia/Seoul');
		expect(suggestTimeZones('cst', 'en-US', 'UTC', 25).slice(0, 3)).toEqual(['America/Chicago', 'Asia/Shanghai', 'America/Havana']);
	});
});
