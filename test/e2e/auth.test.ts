import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginInPage, startStack, waitForKvm, type Stack } from './harness.ts';

const ADMIN = 'admin';
const PASSWORD = 'correct horse battery';

/** The session the page keeps in localStorage (CONTRACT.md: webkvm.session). */
const storedSession = (stack: Stack) =>
  stack.page.evaluate(() => JSON.parse(localStorage.getItem('webkvm.session') ?? 'null') as { token: string } | null);

/**
 * Issue 8 in the browser: first-run setup from the installer's link, login and logout, a revoked
 * session sent back to the login page, login throttling shown with a live countdown, and the
 * admin page. The throttling test locks out 127.0.0.1 for a while (one-time links included),
 * so only tests that log in with a password after its successful login follow it.
 */
describe('logging in to the KVM', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ display: ':72', setup: true, throttle: { freeFailures: 4, baseMs: 6000 } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('sets up the first admin from the #setup= link, then shows the KVM', async () => {
    const { page } = stack;
    await page.waitForSelector('[data-testid="setup-form"]');
    expect(new URL(page.url()).hash).toBe(''); // the token left the address bar at once
    await page.getByTestId('setup-user').fill(ADMIN);
    await page.getByTestId('setup-password').fill('short');
    await page.getByTestId('setup-confirm').fill('shirt');
    await page.getByTestId('setup-submit').click();
    const problems = await page.getByTestId('setup-problems').textContent();
    expect(problems).toContain('at least 10 characters');
    expect(problems).toContain('The two passwords differ.');
    await page.getByTestId('setup-password').fill(PASSWORD);
    await page.getByTestId('setup-confirm').fill(PASSWORD);
    await page.getByTestId('setup-submit').click();
    await waitForKvm(page);
    expect(await page.getByTestId('account').getAttribute('data-user')).toBe(ADMIN);
    expect(await page.getByTestId('account').getAttribute('data-role')).toBe('admin');
    expect(await storedSession(stack)).toMatchObject({ user: ADMIN, role: 'admin' });
  });

  it('refuses the used setup link', async () => {
    const fresh = await stack.browser.newContext();
    const p = await fresh.newPage();
    await p.goto(`${stack.url}#setup=${stack.setupToken}`);
    await p.getByTestId('setup-password').fill(PASSWORD);
    await p.getByTestId('setup-confirm').fill(PASSWORD);
    await p.getByTestId('setup-submit').click();
    await expect.poll(() => p.getByTestId('setup-error').textContent()).toMatch(/not valid any more/);
    await p.getByTestId('setup-leave').click();
    await p.getByTestId('login-form').waitFor();
    await fresh.close();
  });

  it('logs out to the login page, says plainly when the password is wrong, and logs in', async () => {
    const { page } = stack;
    await page.getByTestId('logout').click();
    await page.waitForSelector('[data-testid="login-form"]');
    expect(await storedSession(stack)).toBeNull();
    await loginInPage(page, ADMIN, 'not the password');
    await expect.poll(() => page.getByTestId('login-error').textContent()).toBe('Wrong user name or password.');
    await loginInPage(page, ADMIN, PASSWORD);
    await waitForKvm(page);
  });

  it('sends a revoked session back to the login page at once (DELETE /api/sessions/:id)', async () => {
    const { page } = stack;
    const token = (await storedSession(stack))!.token;
    const auth = { authorization: `Bearer ${token}` };
    const sessions = (await (await fetch(`${stack.base}/api/sessions`, { headers: auth })).json()) as {
      id: string;
      current: boolean;
    }[];
    const current = sessions.find((s) => s.current)!;
    const del = await fetch(`${stack.base}/api/sessions/${current.id}`, { method: 'DELETE', headers: auth });
    expect(del.status).toBe(204);
    await page.waitForSelector('[data-testid="login-form"]', { timeout: 10_000 });
    expect(await page.getByTestId('login-notice').textContent()).toMatch(/session has ended/);
    expect(await storedSession(stack)).toBeNull();
    // The token is dead for the API too.
    expect((await fetch(`${stack.base}/api/me`, { headers: auth })).status).toBe(401);
  });

  it('shows the throttling wait with a live countdown after 5 failures, then lets the right password in', async () => {
    const { page } = stack;
    for (let i = 1; i <= 4; i++) {
      await loginInPage(page, ADMIN, `wrong ${i}`);
      await expect.poll(() => page.getByTestId('login-password').inputValue()).toBe('');
      expect(await page.getByTestId('login-wait').count()).toBe(0);
    }
    await loginInPage(page, ADMIN, 'wrong 5');
    const wait = page.getByTestId('login-wait');
    await wait.waitFor();
    const first = Number(await wait.getAttribute('data-seconds'));
    expect(first).toBeGreaterThanOrEqual(5);
    expect(first).toBeLessThanOrEqual(6);
    expect(await wait.textContent()).toMatch(/Too many attempts: wait \d+ s/);
    expect(await page.getByTestId('login-submit').isDisabled()).toBe(true);
    await expect
      .poll(async () => Number(await wait.getAttribute('data-seconds')), { timeout: 3000 })
      .toBeLessThan(first);
    await wait.waitFor({ state: 'detached', timeout: 10_000 });
    await loginInPage(page, ADMIN, PASSWORD);
    await waitForKvm(page);
  });

  it('lets the admin add a user, change its role (which ends its session), revoke its session and delete it', async () => {
    const { page } = stack;
    await page.getByTestId('open-admin').click();
    const users = page.getByTestId('users-admin');
    await users.locator('[data-testid="user-row"][data-user="admin"]').waitFor();
    await page.getByTestId('add-user-name').fill('otto');
    await page.getByTestId('add-user-password').fill('short');
    expect(await page.getByTestId('add-user-submit').isDisabled()).toBe(true);
    await page.getByTestId('add-user-password').fill('otto password 1');
    await page.getByTestId('add-user-role').selectOption('operator');
    await page.getByTestId('add-user-submit').click();
    const otto = users.locator('[data-testid="user-row"][data-user="otto"]');
    await otto.waitFor();

    const ottoPage = await (await stack.browser.newContext()).newPage();
    await ottoPage.goto(stack.url);
    await loginInPage(ottoPage, 'otto', 'otto password 1');
    await waitForKvm(ottoPage, { control: false });
    expect(await ottoPage.getByTestId('account').getAttribute('data-role')).toBe('operator');
    expect(await ottoPage.getByTestId('control-text').textContent()).toBe('Viewing — admin has control');

    await otto.getByTestId('user-role').selectOption('viewer');
    await ottoPage.waitForSelector('[data-testid="login-form"]', { timeout: 10_000 });
    await loginInPage(ottoPage, 'otto', 'otto password 1');
    await waitForKvm(ottoPage, { control: false });
    expect(await ottoPage.getByTestId('account').getAttribute('data-role')).toBe('viewer');

    const sessions = page.getByTestId('sessions-admin');
    await sessions.getByRole('button', { name: 'Refresh' }).click();
    await sessions.locator('[data-testid="session-row"][data-user="otto"]').getByTestId('session-revoke').click();
    await ottoPage.waitForSelector('[data-testid="login-form"]', { timeout: 10_000 });

    await otto.getByTestId('user-delete').click();
    await otto.getByTestId('user-delete-confirm').click();
    await otto.waitFor({ state: 'detached' });
    await loginInPage(ottoPage, 'otto', 'otto password 1');
    await expect.poll(() => ottoPage.getByTestId('login-error').textContent()).toBe('Wrong user name or password.');
    expect(
      await users.locator('[data-testid="user-row"][data-user="admin"]').getByTestId('user-delete').isDisabled(),
    ).toBe(true);
    await ottoPage.context().close();
  });
});
