import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vite';

// SvelteKit 3 reads its configuration from the plugin call below; a svelte.config.js is rejected.
const port = (fallback: number) => Number(process.env.KV_WEB_PORT ?? fallback);

export default defineConfig({
  plugins: [tailwindcss(), sveltekit({ adapter: adapter({ out: 'build' }) })],
  server: { host: '127.0.0.1', port: port(5173), strictPort: true },
  preview: { host: '127.0.0.1', port: port(3000), strictPort: true },
});
