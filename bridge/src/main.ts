/**
 * The bridge's entry point on a Pi: `node bridge/src/main.ts` under systemd (via tsx), config
 * from BRIDGE_CONFIG / PORT / HOST (see config.ts). Exits non-zero on a config or listen error.
 */
import { ConfigError, loadConfig } from './config.ts';
import { openCaPage, type CaPage } from './http/ca-page.ts';
import { startBridge } from './server.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const bridge = await startBridge(config, { listenRetryMs: 90_000 });
  // The setup token itself is never logged (the journal is readable by group adm): only how to get one.
  if (bridge.auth.setupRequired())
    console.log(
      `[bridge] no admin account yet (${config.auth?.usersFile}): only the setup page works; ` +
        'get a one-time setup link with "sudo webkvm-user setup-link" (or "npm run user -- setup-link")',
    );
  let caPage: CaPage | undefined;
  const stop = (signal: string): void => {
    console.log(`[bridge] ${signal}: releasing keys and stopping`);
    caPage?.close();
    void bridge.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  // Port 80: the CA certificate and a redirect to HTTPS, for names the HTTPS side answers to.
  if (config.caPage && !config.tls)
    console.log('[bridge] caPage is set but tls is not: no CA page (it redirects to HTTPS)');
  else if (config.caPage)
    caPage = await openCaPage(
      config.caPage,
      {
        host: config.host,
        httpsPort: bridge.port,
        nameAllowed: (name) => bridge.auth.hosts.hostAllowed(`${name}:${bridge.port}`),
        counters: bridge.counters,
      },
      (line) => console.log(`[bridge] ${line}`),
      90_000,
    );
}

main().catch((e: unknown) => {
  console.error(
    `[bridge] ${e instanceof ConfigError ? 'config error' : 'failed to start'}: ${e instanceof Error ? e.message : String(e)}`,
  );
  process.exit(1);
});
