import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';
import { VitePWA } from 'vite-plugin-pwa';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  plugins: [
    solid(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      injectRegister: false,
      // The glob below already has the icons; this would list them twice.
      includeManifestIcons: false,
      registerType: 'autoUpdate',
      manifest: {
        name: 'KVM over IP',
        short_name: 'KVM',
        description: 'Control a computer from before its OS boots: keyboard, mouse and live screen.',
        id: '/',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#111111',
        theme_color: '#111111',
        // PNGs for installability (Chromium wants a 192 and a 512 raster icon), a maskable one for
        // Android's adaptive shapes, the SVG for everything else. web/tools/icons.ts makes the PNGs.
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
        ],
      },
      // Everything the app can load goes into the precache, so the installed app opens offline:
      // the shell, every lazy chunk (each keyboard layout table is one), the workers, the icons.
      // A build that leaves a file out (over the size limit) fails instead of warning.
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,png,woff2,webmanifest}'],
        maximumFileSizeToCacheInBytes: 2 * 1024 * 1024,
      },
    }),
  ],
  worker: { format: 'es' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: { proxy: { '/ws': { target: 'ws://127.0.0.1:8000', ws: true } } },
});
