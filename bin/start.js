#!/usr/bin/env node
// `npm start`: the bot, compiled (see run-compiled.js).
import { runCompiled } from './run-compiled.js';

await runCompiled('dist/src/main.js');
