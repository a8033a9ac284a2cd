/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The server serves dist/ at `/`; in `npm run dev` Vite proxies the API to `make run`'s server.
const api = process.env.OFFICECLOUD_API ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", sourcemap: false, chunkSizeWarningLimit: 2000 },
  server: {
    proxy: {
      "/graphql": { target: api, ws: true },
      "/auth": api,
      "/files": api,
    },
  },
  test: { environment: "jsdom", include: ["src/**/*.test.ts?(x)"] },
});
