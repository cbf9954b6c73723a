import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The app is served by the Python platform at "/"; in `npm run dev` the API is proxied to
// BOURSE_URL (default: a `make run` on port 8000).
const api = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.BOURSE_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    target: "es2022",
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: {
      "/api/v1/ws": { target: api, ws: true },
      "/api": { target: api },
    },
  },
  test: {
    environment: "node",
    include: ["tests/**/*.test.ts"],
  },
});
