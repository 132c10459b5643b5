import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { afterAttempt, HEALTHY, retryDelayMs } from '../src/source/backoff.ts';
import { GitCheckout, GitSourceError } from '../src/source/git-checkout.ts';
import { openGitSource, type GitSourceConfig } from '../src/source/git-follow.ts';
import { redactCredentials, sameRepository, urlSecrets } from '../src/source/git-url.ts';
import { git, makeRemote, serveOverGit, type Remote } from './helpers/git-remote.ts';
import { until } from './helpers/received.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
});

async function remoteWith(files: Record<string, string> = { 'digests/2026-03-09.md': 'one\n' }): Promise<Remote> {
	const remote = await makeRemote(files);
	cleanups.push(() => remote.dispose());
	return remote;
}

async function tempDir(): Promise<string> {
	const dir = await mkdtemp(join(tmpdir(), 'paperboy-checkout-'));
	cleanups.push(() => rm(dir, { recursive: true, force: true }));
	return dir;
}

function captured() {
	const lines: Array<Record<string, unknown>> = [];
	const logger = createLogger('debug', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
	const count = (msg: string) => lines.filter((l) => String(l['msg']).startsWith(msg)).length;
	return { lines, logger, count };
}

function sourceConfig(url: string, dir: string, extra: Partial<GitSourceConfig> = {}): GitSourceConfig {
	return { DIGEST_DIR: dir, DIGEST_GIT_URL: url, DIGEST_GIT_BRANCH: undefined, DIGEST_GIT_PATH: undefined, DIGEST_GIT_INTERVAL: 100, ...extra };
}

describe('retry planning', () => {
	it('retries soon, then less often, never past eight intervals or an hour', () => {
		const minute = 60_000;
		expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => retryDelayMs(n, 10 * minute) / 1000)).toEqual([30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
		expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, 200))).toEqual([200, 400, 800, 1600, 1600]);
		// An interval longer than the cap is never shortened into hammering, nor lengthened.
		expect(retryDelayMs(50, 3 * 3_600_000)).toBe(3 * 3_600_000);
		expect(retryDelayMs(1, 3 * 3_600_000)).toBe(30_000);
	});

	it('warns once per outage, says when it recovered and for how long', () => {
		let s = afterAttempt(HEALTHY, false, 1000, 600_000);
		expect(s.notice).toEqual({ kind: 'outage' });
		s = afterAttempt(s.state, false, 2000, 600_000);
		expect(s.notice).toEqual({ kind: 'still-failing', failures: 2 });
		s = afterAttempt(s.state, false, 3000, 600_000);
		expect(s.notice?.kind).toBe('still-failing');
		s = afterAttempt(s.state, true, 61_000, 600_000);
		expect(s.notice).toEqual({ kind: 'recovered', failures: 3, downMs: 60_000 });
		expect(s.delayMs).toBe(600_000);
		expect(afterAttempt(s.state, true, 62_000, 600_000).notice).toBeNull();
		expect(afterAttempt(s.state, false, 63_000, 600_000).notice).toEqual({ kind: 'outage' });
	});
});

describe('repository addresses', () => {
	it('never show credentials, and name one repository however the token changes', () => {
		const url = 'https://paperboy:ghp_s3cretToken1234@github.com/owner/digests.git';
		expect(redactCredentials(url)).toBe('https://***@github.com/owner/digests.git');
		expect(redactCredentials(`fatal: unable to access '${url}/': 403`)).not.toContain('s3cret');
		expect(redactCredentials('https://ghp_onlyAToken99@host/x')).toBe('https://***@host/x');
		expect(urlSecrets(url)).toEqual(['paperboy', 'ghp_s3cretToken1234']);
		expect(urlSecrets('https://a%40b:p%2Fw@host/x')).toEqual(['a%40b', 'a@b', 'p%2Fw', 'p/w']);
		expect(urlSecrets('/srv/git/digests.git')).toEqual([]);
		expect(sameRepository(url, 'https://other:token@GitHub.com/owner/digests')).toBe(true);
		expect(sameRepository(url, 'https://github.com/owner/digests/')).toBe(true);
		expect(sameRepository(url, 'https://github.com/owner/other.git')).toBe(false);
	});
});

describe('git settings', () => {
	it('parse the interval, require the address for branch and path, and clone outside ./data by default', () => {
		expect(loadConfig({ DIGEST_GIT_URL: 'file:///srv/d.git' }).DIGEST_GIT_INTERVAL).toBe(600_000);
		expect(loadConfig({ DIGEST_GIT_URL: 'file:///srv/d.git' }).DIGEST_DIR).toBe('./var/digests');
		expect(loadConfig({}).DIGEST_DIR).toBe('./data');
		expect(loadConfig({ DIGEST_GIT_URL: 'x', DIGEST_DIR: '/srv/c' }).DIGEST_DIR).toBe('/srv/c');
		for (const [text, ms] of [
			['90s', 90_000],
			['1h', 3_600_000],
			['5', 300_000],
			['250ms', 250],
		] as const) {
			expect(loadConfig({ DIGEST_GIT_URL: 'x', DIGEST_GIT_INTERVAL: text }).DIGEST_GIT_INTERVAL).toBe(ms);
		}
		expect(() => loadConfig({ DIGEST_GIT_URL: 'x', DIGEST_GIT_INTERVAL: 'soon' })).toThrow(/DIGEST_GIT_INTERVAL must be a duration/);
		expect(() => loadConfig({ DIGEST_GIT_BRANCH: 'main' })).toThrow(/DIGEST_GIT_BRANCH needs DIGEST_GIT_URL/);
		expect(() => loadConfig({ DIGEST_GIT_URL: 'x', DIGEST_GIT_PATH: '../etc' })).toThrow(/DIGEST_GIT_PATH must be a folder inside/);
		expect(() => loadConfig({ DIGEST_GIT_URL: '--upload-pack=touch /tmp/x' })).toThrow(/DIGEST_GIT_URL must be a repository address/);
		expect(loadConfig({ DIGEST_GIT_URL: 'x', DIGEST_GIT_PATH: './daily/' }).DIGEST_GIT_PATH).toBe('daily');
	});
});

describe('the checkout', () => {
	it('is cloned into a missing folder, and into an empty one', async () => {
		const remote = await remoteWith();
		const base = await tempDir();
		const { checkout, cloned } = await GitCheckout.open({ url: remote.url, dir: join(base, 'a', 'clone') });
		expect(cloned).toBe(true);
		expect(checkout.branch).toBe('main');
		expect(await readFile(join(base, 'a', 'clone', 'digests', '2026-03-09.md'), 'utf8')).toBe('one\n');
		await mkdir(join(base, 'empty'));
		expect((await GitCheckout.open({ url: remote.url, dir: join(base, 'empty') })).cloned).toBe(true);
		// Started again on the clone: taken over, not cloned anew.
		expect((await GitCheckout.open({ url: remote.url, dir: join(base, 'empty') })).cloned).toBe(false);
	});

	it('fast-forwards to a pushed commit, and resets to a force-pushed history', async () => {
		const remote = await remoteWith();
		const dir = join(await tempDir(), 'c');
		const { checkout } = await GitCheckout.open({ url: remote.url, dir });
		expect((await checkout.sync()).kind).toBe('unchanged');
		const second = await remote.commit({ 'digests/2026-03-10.md': 'two\n' });
		const ff = await checkout.sync();
		expect(ff).toMatchObject({ kind: 'fast-forward', to: second, files: ['digests/2026-03-10.md'] });
		expect(await git(dir, 'rev-parse', 'HEAD')).toBe(second);

		// The producer rewrites history: the second digest never happened, a third one did.
		await git(remote.work, 'reset', '--quiet', '--hard', 'HEAD~1');
		await remote.commit({ 'digests/2026-03-11.md': 'three\n' }, 'rewritten', false);
		await remote.forcePush();
		const reset = await checkout.sync();
		expect(reset.kind).toBe('reset');
		expect(await git(dir, 'rev-parse', 'HEAD')).toBe(await git(remote.work, 'rev-parse', 'HEAD'));
		expect(await git(dir, 'status', '--porcelain')).toBe('');
		await expect(readFile(join(dir, 'digests', '2026-03-10.md'))).rejects.toThrow();
		// A restart after the reset takes the checkout over: the rewritten history is not "local commits".
		expect((await GitCheckout.open({ url: remote.url, dir })).cloned).toBe(false);
	});

	it('follows the configured branch, switching a clean checkout to it', async () => {
		const remote = await remoteWith();
		await git(remote.work, 'checkout', '--quiet', '-b', 'daily');
		await writeFile(join(remote.work, 'digests', '2026-03-12.md'), 'daily\n');
		await git(remote.work, 'add', '--all');
		await git(remote.work, 'commit', '--quiet', '-m', 'on daily');
		await git(remote.work, 'push', '--quiet', 'origin', 'HEAD:refs/heads/daily');
		const dir = join(await tempDir(), 'c');
		await GitCheckout.open({ url: remote.url, dir });
		const { checkout } = await GitCheckout.open({ url: remote.url, dir, branch: 'daily' });
		expect((await checkout.sync()).kind).toBe('switch');
		expect(await git(dir, 'symbolic-ref', '--short', 'HEAD')).toBe('daily');
		expect(await readFile(join(dir, 'digests', '2026-03-12.md'), 'utf8')).toBe('daily\n');
	});

	it('refuses a foreign or dirty folder with a message that says what to do', async () => {
		const remote = await remoteWith();
		const other = await remoteWith({ 'x.md': 'x\n' });
		const base = await tempDir();
		const refused = async (dir: string) => {
			const err = await GitCheckout.open({ url: remote.url, dir }).then(
				() => null,
				(e: unknown) => e,
			);
			expect(err).toBeInstanceOf(GitSourceError);
			return (err as Error).message;
		};

		await mkdir(join(base, 'plain'));
		await writeFile(join(base, 'plain', '2026-03-09.md'), 'a digest dropped by hand\n');
		expect(await refused(join(base, 'plain'))).toMatch(/already holds files and is not a clone of file:.*no git checkout.*missing or empty folder/);

		// A folder inside another repository (./data inside Paperboy's own checkout, say) is not a clone of its own.
		await GitCheckout.open({ url: other.url, dir: join(base, 'outer') });
		await mkdir(join(base, 'outer', 'inner'));
		await writeFile(join(base, 'outer', 'inner', 'a.md'), 'a\n');
		expect(await refused(join(base, 'outer', 'inner'))).toMatch(/it lies inside/);

		await GitCheckout.open({ url: other.url, dir: join(base, 'other') });
		expect(await refused(join(base, 'other'))).toContain(`it is a clone of ${other.url}`);

		const dirty = join(base, 'dirty');
		await GitCheckout.open({ url: remote.url, dir: dirty });
		await writeFile(join(dirty, 'digests', '2026-03-09.md'), 'edited by hand\n');
		expect(await refused(dirty)).toMatch(/has local changes \(1 file: digests\/2026-03-09\.md\).*would overwrite them/);
		await git(dirty, 'checkout', '--', '.');
		await writeFile(join(dirty, 'stray.md'), 'not from the repository\n');
		expect(await refused(dirty)).toMatch(/local changes \(1 file: stray\.md\)/);
		await rm(join(dirty, 'stray.md'));
		await writeFile(join(dirty, 'local.md'), 'committed here only\n');
		await git(dirty, 'add', 'local.md');
		await git(dirty, 'commit', '--quiet', '-m', 'local');
		expect(await refused(dirty)).toMatch(/has 1 local commit on main that the remote does not have/);
	});

	it('keeps credentials out of the error when the clone fails', async () => {
		const dir = join(await tempDir(), 'c');
		const err = await GitCheckout.open({ url: 'http://reader:tok3n-v3ry-s3cret@127.0.0.1:1/digests.git', dir }).then(
			() => new Error('cloned'),
			(e: unknown) => e as Error,
		);
		expect(err).toBeInstanceOf(GitSourceError);
		expect(err.message).toContain('Could not clone http://***@127.0.0.1:1/digests.git');
		expect(err.message).not.toContain('tok3n');
		expect(err.message).not.toContain('reader');
	});
});

describe('following', () => {
	it('reads DIGEST_GIT_PATH inside the clone and refuses a path that is not a folder there', async () => {
		const remote = await remoteWith();
		const base = await tempDir();
		const source = await openGitSource(sourceConfig(remote.url, join(base, 'a'), { DIGEST_GIT_PATH: 'digests' }), captured().logger);
		expect(source.folder).toBe(join(base, 'a', 'digests'));
		await expect(openGitSource(sourceConfig(remote.url, join(base, 'b'), { DIGEST_GIT_PATH: 'papers' }), captured().logger)).rejects.toThrow(
			/DIGEST_GIT_PATH "papers" is not a folder in file:.* \(branch main\)/,
		);
	});

	it('calls back after a pushed commit, logs an outage once and its end once, and never logs the token', async () => {
		const remote = await remoteWith();
		const dir = join(await tempDir(), 'c');
		const log = captured();
		const source = await openGitSource(sourceConfig(remote.url, dir, { DIGEST_GIT_PATH: 'digests' }), log.logger);
		let changes = 0;
		const following = source.follow(async () => void changes++);
		cleanups.push(() => following.stop());

		await remote.commit({ 'digests/2026-03-10.md': 'two\n' });
		await until(() => changes === 1, 10_000, 'the callback after a push');
		// A change outside DIGEST_GIT_PATH is fetched but is no news for the archive.
		const head = await remote.commit({ 'README.md': 'about\n' });
		await until(async () => (await git(dir, 'rev-parse', 'HEAD')) === head, 10_000, 'the README commit');
		expect(changes).toBe(1);

		// The remote goes away: several failed fetches, one warning.
		await rename(remote.bare, `${remote.bare}.gone`);
		await until(() => log.count('digest repository still cannot be fetched') >= 3, 15_000, 'three failed retries');
		expect(log.count('digest repository cannot be fetched')).toBe(1);
		const warning = log.lines.find((l) => l['msg'] === 'digest repository cannot be fetched: serving the checkout as it is, retrying with backoff');
		expect(warning?.['level']).toBe('warn');
		expect(String(warning?.['reason'])).toMatch(/fetch failed/);
		expect(await readFile(join(dir, 'digests', '2026-03-10.md'), 'utf8')).toBe('two\n'); // still serving

		await rename(`${remote.bare}.gone`, remote.bare);
		await remote.commit({ 'digests/2026-03-11.md': 'three\n' });
		await until(() => changes === 2, 15_000, 'the callback after recovery');
		expect(log.count('digest repository can be fetched again')).toBe(1);
		expect(log.count('digest repository cannot be fetched')).toBe(1);
	});

	it('over git daemon on loopback: a stopped server is one outage, its return one recovery', async () => {
		const remote = await remoteWith();
		const daemon = await serveOverGit(remote);
		cleanups.push(() => daemon.stop());
		const dir = join(await tempDir(), 'c');
		const log = captured();
		const source = await openGitSource(sourceConfig(daemon.url, dir), log.logger);
		let changes = 0;
		const following = source.follow(async () => void changes++);
		cleanups.push(() => following.stop());

		await daemon.stop();
		await until(() => log.count('digest repository still cannot be fetched') >= 2, 15_000, 'failed retries');
		expect(log.count('digest repository cannot be fetched')).toBe(1);
		await daemon.start();
		await remote.commit({ 'digests/2026-03-10.md': 'two\n' });
		await until(() => changes === 1, 15_000, 'the commit after the server came back');
		expect(log.count('digest repository can be fetched again')).toBe(1);
	});

	it('masks a token from the address in every log line', async () => {
		const remote = await remoteWith();
		const dir = join(await tempDir(), 'c');
		const raw: string[] = [];
		const logger = createLogger('debug', (line) => raw.push(line));
		// A clone made with plain access, then followed through an address with credentials that cannot connect.
		await GitCheckout.open({ url: remote.url, dir });
		await git(dir, 'remote', 'set-url', 'origin', 'http://reader:tok3n-v3ry-s3cret@127.0.0.1:1/remote.git');
		const source = await openGitSource(sourceConfig('http://reader:tok3n-v3ry-s3cret@127.0.0.1:1/remote.git', dir), logger);
		const following = source.follow(async () => undefined);
		cleanups.push(() => following.stop());
		await until(() => raw.some((l) => l.includes('still cannot be fetched')), 10_000, 'a retry');
		expect(raw.some((l) => l.includes('cannot be fetched: serving'))).toBe(true);
		expect(raw.join('\n')).not.toContain('tok3n-v3ry-s3cret');
	});
});
