#!/usr/bin/env node
// `npx wxbridge <command>`: the admin CLI (design.md §6). Node >= 22.18 runs the TypeScript sources
// directly (type stripping); npm scripts and npx put the project's Node 24 first on PATH.
import '../src/cli.ts';
