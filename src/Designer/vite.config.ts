import { defineConfig } from 'vite';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';

// One build for every page: each pages/NAME.html is an entry; the host serves them under their routes
// (src/Engine/Host/Web/WebPages.cs) and everything they load from /assets/ (hashed names, cached for good).
// The output folder comes from EGOV_WEB_OUT (./egov passes .egov/web); nothing is loaded from another origin.
const root = import.meta.dirname;
const pages = Object.fromEntries(
  readdirSync(resolve(root, 'pages'))
    .filter((f) => f.endsWith('.html'))
    .map((f) => [f.replace(/\.html$/, ''), resolve(root, 'pages', f)]),
);

export default defineConfig({
  root,
  base: '/',
  // The engine's own moddle descriptor (the egov: attributes) is one file, read by the engine's tests and by the
  // designer: imported as 'egov-moddle.json', never copied. scripts/build-web.sh rebuilds when it changes.
  resolve: { alias: { 'egov-moddle.json': resolve(root, '../../docs/egov-moddle.json') } },
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: process.env.EGOV_WEB_OUT ?? resolve(root, '../../.egov/web'),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    // bpmn-js and form-js are large by nature; they load only on the task page.
    chunkSizeWarningLimit: 2000,
    rollupOptions: { input: pages },
  },
});
