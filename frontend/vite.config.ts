/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const REACT = /[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/;

/** V8's explicit compile hint (Chrome 136+): the chunk's functions are compiled eagerly while the file
 * streams in, off the main thread, not one by one on it during the first renders. */
function eagerCompile(...chunkNames: string[]): Plugin {
  return {
    name: 'eager-compile-hint',
    apply: 'build',
    // After minification (which drops comments): the hint must open the file.
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type === 'chunk' && chunkNames.includes(file.name))
          file.code = `//# allFunctionsCalledOnLoad\n${file.code}`;
      }
    },
  };
}

// The API (uvicorn, port 3000) serves dist/ at `/`; in dev, Vite proxies /api to it.
export default defineConfig({
  plugins: [react(), eagerCompile('react')],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
  preview: { proxy: { '/api': 'http://127.0.0.1:3000' } },
  build: {
    outDir: 'dist',
    sourcemap: false,
    // React in its own chunk (cached across app releases, compiled eagerly); the signed-in app is
    // in lazy chunks (src/app/chunks.ts), so the login screen evaluates React and little else.
    rolldownOptions: { output: { codeSplitting: { groups: [{ name: 'react', test: REACT }] } } },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/testing/setup-tests.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
    unstubGlobals: true,
  },
});
