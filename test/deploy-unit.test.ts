import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GIT_DIGEST_DIR, loadConfig } from '../src/config.ts';
import { DEFAULT_STORE_URL } from '../src/store/store.ts';
import { ROOT } from './helpers/process.ts';

const read = (file: string) => readFile(join(ROOT, file), 'utf8');

/** `Key=value` settings of a unit file, in order (comments and section headers left out). */
function settings(unit: string): Array<[string, string]> {
	return unit
		.split('\n')
		.filter((l) => /^\w+=/.test(l))
		.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]);
}
const setting = (unit: string, key: string) => settings(unit).findLast(([k]) => k === key)?.[1];

/** The command an npm script runs, as a unit's ExecStart gives it (`exec` dropped, node by its path). */
async function scriptCommand(name: string): Promise<string> {
	const pkg = JSON.parse(await read('package.json')) as { scripts: Record<string, string> };
	return (pkg.scripts[name] ?? '').replace(/^exec /, '').replace(/^node /, '/usr/bin/node ');
}

describe('the deploy files and the README’s operations section', () => {
	it('the README shows deploy/paperboy.service as it is', async () => {
		const [readme, unit] = await Promise.all([read('README.md'), read('deploy/paperboy.service')]);
		expect(readme).toContain('```ini\n' + unit + '```\n');
	});

	it('the unit and the sharded drop-in run what npm start and npm run start:sharded run, and those entries exist', async () => {
		const [unit, sharded, readme] = await Promise.all([read('deploy/paperboy.service'), read('deploy/paperboy-sharded.conf'), read('README.md')]);
		expect(setting(unit, 'ExecStart')).toBe(await scriptCommand('start'));
		expect(settings(sharded).filter(([k]) => k === 'ExecStart')).toEqual([
			['ExecStart', ''],
			['ExecStart', await scriptCommand('start:sharded')],
		]);
		for (const cmd of [setting(unit, 'ExecStart'), setting(sharded, 'ExecStart')]) expect(existsSync(join(ROOT, cmd?.split(' ').at(-1) ?? '?'))).toBe(true);
		// The README's copy of the drop-in: the same settings.
		for (const [k, v] of settings(sharded)) expect(readme).toContain(`${k}=${v}\n`);
	});

	it('gives a stop longer than the bot’s own deadline, and the launcher’s', async () => {
		const [unit, sharded, shardSource] = await Promise.all([read('deploy/paperboy.service'), read('deploy/paperboy-sharded.conf'), read('src/shard.ts')]);
		expect(setting(unit, 'KillSignal')).toBe('SIGTERM');
		expect(Number(setting(unit, 'TimeoutStopSec'))).toBeGreaterThan(loadConfig({}).SHUTDOWN_TIMEOUT_SECONDS);
		// The launcher's last-resort wait for its shards (src/shard.ts).
		const launcherWaitMs = Math.max(...[...shardSource.matchAll(/\}, (\d[\d_]*)\)\.unref\(\)/g)].map((m) => Number(m[1]!.replaceAll('_', ''))));
		expect(launcherWaitMs).toBeGreaterThan(0);
		expect(Number(setting(sharded, 'TimeoutStopSec')) * 1000).toBeGreaterThan(launcherWaitMs);
		expect(setting(unit, 'RestartPreventExitStatus')).toBe('78');
	});

	it('leaves writable exactly the folder of the default store and clone, under the working directory', async () => {
		const unit = await read('deploy/paperboy.service');
		const cwd = setting(unit, 'WorkingDirectory') ?? '?';
		const writable = posix.join(cwd, posix.dirname(DEFAULT_STORE_URL.replace(/^sqlite:\/\//, '')));
		expect(setting(unit, 'ReadWritePaths')).toBe(writable);
		expect(posix.join(cwd, DEFAULT_GIT_DIGEST_DIR).startsWith(`${writable}/`)).toBe(true);
		expect(setting(unit, 'ProtectSystem')).toBe('strict');
		expect(setting(unit, 'NoNewPrivileges')).toBe('yes');
		expect(setting(unit, 'EnvironmentFile')).toMatch(/^\//);
	});

	it('the README gives Redis the settings of deploy/redis-paperboy.conf', async () => {
		const [readme, conf] = await Promise.all([read('README.md'), read('deploy/redis-paperboy.conf')]);
		const lines = conf.split('\n').filter((l) => l && !l.startsWith('#'));
		expect(lines).toEqual(expect.arrayContaining(['appendonly yes', 'appendfsync everysec']));
		for (const l of lines) expect(readme).toContain(`  ${l}\n`);
	});

	it('alerts only on metrics the bot exports', async () => {
		const [readme, metrics] = await Promise.all([read('README.md'), read('src/health/metrics.ts')]);
		const section = readme.slice(readme.indexOf('### What to alert on'), readme.indexOf('## Development'));
		const named = new Set([...section.matchAll(/paperboy_\w+/g)].map((m) => m[0]));
		expect([...named]).toEqual(
			expect.arrayContaining(['paperboy_subscription_pauses_total', 'paperboy_last_digest_timestamp_seconds', 'paperboy_rest_rate_limited_total']),
		);
		for (const name of named) expect(metrics, name).toContain(`name: '${name}'`);
	});
});
