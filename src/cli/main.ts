import { runCli } from './run.ts';

// Entry point for `npm run cli -- <command>` and the `paperboy` bin.
const code = await runCli(process.argv.slice(2), {
	stdout: (text) => process.stdout.write(text),
	stderr: (text) => process.stderr.write(text),
});
process.exitCode = code;
