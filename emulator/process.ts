import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const CHILD = new URL('./child.ts', import.meta.url);
/** tsx's loader by path: `--import tsx` would look for it from the working directory. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;

/**
 * The emulator in a process of its own (`child.ts`), driven over IPC: Discord counts a request
 * when it arrives, and an event loop shared with the bots being measured would make arrivals
 * late, a lag Discord does not have.
 */
export class EmulatorProcess {
	readonly #child: ChildProcess = fork(CHILD, [], { execArgv: ['--import', TSX], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
	/** Resolves once the child can be asked. */
	readonly alive = once(this.#child, 'message');

	/** Sends a command and resolves with the first message of type `reply`. */
	ask<T>(msg: { type: string; [k: string]: unknown }, reply = msg.type): Promise<T> {
		return new Promise((resolve) => {
			const on = (m: unknown) => {
				if ((m as { type?: string }).type !== reply) return;
				this.#child.off('message', on);
				resolve(m as T);
			};
			this.#child.on('message', on);
			this.#child.send(msg);
		});
	}

	/** Stops the emulator and waits for its process to end. */
	async close(): Promise<void> {
		const exited = once(this.#child, 'exit');
		this.#child.send({ type: 'stop' });
		await exited;
	}

	/** Ends the process at once, whatever it is doing. */
	stop(): void {
		this.#child.kill('SIGKILL');
	}
}
