import { describe, expect, it } from 'vitest';
import { createLogger, registerSecret, type LogFormat } from '../src/log.ts';

function capture(format: LogFormat = 'json', level: 'debug' | 'info' = 'debug') {
	const lines: string[] = [];
	const logger = createLogger(level, (line) => lines.push(line), { format });
	return { logger, lines, json: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('the logger', () => {
	it('logs BigInt and circular values instead of throwing', () => {
		const { logger, json, lines } = capture();
		const loop: Record<string, unknown> = { name: 'loop' };
		loop['self'] = loop;
		expect(() => logger.error({ big: 2n ** 70n, loop }, 'odd values')).not.toThrow();
		expect(json()[0]?.['loop']).toEqual({ name: 'loop', self: '[Circular]' });
		// Every digit is written, though a JSON reader may round a number this large.
		expect(lines[0]).toContain(`"big":${2n ** 70n}`);
	});

	it("keeps an error's cause, where a network error's reason is", () => {
		const { logger, json } = capture();
		const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
		logger.warn({ err: new TypeError('fetch failed', { cause }) }, 'request failed');
		const err = json()[0]?.['err'] as { type: string; message: string; cause?: { message: string; code: string } };
		expect(err.type).toBe('TypeError');
		expect(err.message).toBe('fetch failed');
		expect(err.cause).toMatchObject({ message: 'connect ECONNREFUSED 127.0.0.1:6379', code: 'ECONNREFUSED' });
	});

	it("never lets a caller's field replace the line's time, level or message", () => {
		const { logger, json, lines } = capture();
		logger.child({ level: 'child' }).info({ time: '09:00', msg: 'field' }, 'subscription saved');
		const [line] = json();
		expect(line?.['level']).toBe('info');
		expect(line?.['msg']).toBe('subscription saved');
		expect(Date.parse(String(line?.['time']))).not.toBeNaN();
		expect(line?.['fields']).toMatchObject({ time: '09:00', msg: 'field' });
		expect(lines[0]).toContain('"level":"child"');
	});

	it('redacts a registered secret wherever it appears: message, field, error message, stack and cause', () => {
		const secret = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.Gx0abc.secretpartofthetoken';
		registerSecret(secret);
		const { logger, lines } = capture();
		const err = new Error(`401 for ${secret}`, { cause: new Error(`inner ${secret}`) });
		logger.error({ headers: { authorization: `Bot ${secret}` }, err }, `login with ${secret} failed`);
		expect(lines.join('\n')).not.toContain(secret);
		expect(lines.join('\n')).not.toContain('secretpartofthetoken');
		expect(lines[0]).toContain('[redacted]');
	});

	it('redacts interaction tokens in a path, after token= and bare', () => {
		const token = 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4:Zm9vYmFyYmF6cXV4cXV1eHF1dXg';
		const { logger, lines } = capture();
		logger.warn(
			{ url: `https://discord.com/api/v10/webhooks/1234567/${token}/messages/@original`, query: `?token=${'x'.repeat(30)}`, raw: token },
			'edit failed',
		);
		expect(lines[0]).not.toContain(token);
		expect(lines[0]).not.toContain('x'.repeat(30));
		expect(lines[0]).toContain('webhooks/1234567/[redacted]');
	});

	it('writes readable lines in pretty format and JSON lines in json, with child fields in both', () => {
		const pretty = capture('pretty');
		pretty.logger.child({ part: 'scheduler' }).info({ guild: '42' }, 'digest delivered');
		const text = pretty.lines.join('\n');
		expect(text).toMatch(/INFO.*digest delivered/);
		expect(text).toContain('part: "scheduler"');
		expect(text.trimStart().startsWith('{')).toBe(false);

		const json = capture('json');
		json.logger.child({ part: 'scheduler' }).info({ guild: '42' }, 'digest delivered');
		expect(json.json()[0]).toMatchObject({ level: 'info', part: 'scheduler', guild: '42', msg: 'digest delivered' });
	});

	it('drops lines under its level', () => {
		const { logger, lines } = capture('json', 'info');
		logger.debug({}, 'noise');
		logger.info({}, 'signal');
		expect(lines).toHaveLength(1);
	});
});
