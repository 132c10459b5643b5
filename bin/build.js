#!/usr/bin/env node
// `npm run build`: the sources compiled into dist/, which `npm start` runs.
import { build } from './run-compiled.js';

process.exitCode = build() ? 0 : 1;
