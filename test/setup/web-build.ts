/**
 * vitest globalSetup of the projects that serve the PWA (e2e, layouts): a fresh web/dist before
 * the first test file, built only when its sources changed (hardware/deps/web-build.ts).
 */
import { ensureWebBuild } from '../../hardware/deps/web-build.ts';

export default async function setup(): Promise<void> {
  await ensureWebBuild((line) => console.log(`[web build] ${line}`));
}
