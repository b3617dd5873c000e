/**
 * The console's build: a static single-page app in console/dist, served by the local stack at `/` and by
 * CloudFront in the cloud. No inline scripts or styles, so the strict Content-Security-Policy holds.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Keep assets as files: a data: URL would need a looser CSP.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
});
