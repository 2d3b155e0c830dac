import type { Plugin } from 'esbuild';

export declare const fastTreeSitter: Plugin;
