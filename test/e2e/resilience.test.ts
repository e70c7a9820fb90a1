import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, typeLikeAPerson, waitFor, waitForKvm, type Stack } from './harness.ts';

describe('status and reconnection, end to end', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ display: ':92' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('shows the target lock-key LEDs as the target reports them', async () => {
    const { page } = stack;
    const leds = page.locator('[data-testid="leds"]');
    await expect.poll(() => leds.getAttribute('data-leds')).toBe('0');
    await page.keyboard.press('CapsLock');
    await expect.poll(() => leds.getAttribute('data-leds'), { timeout: 10_000 }).toBe('2');
    await expect.poll(() => page.locator('.led.on').textContent()).toBe('Caps');
    await page.keyboard.press('CapsLock');
    await expect.poll(() => leds.getAttribute('data-leds'), { timeout: 10_000 }).toBe('0');
  });

  it('reconnects by itself after the network drops, and drops what was typed meanwhile', async () => {
    const { page, workDir } = stack;
    const offline = join(workDir, 'offline.txt');
    const online = join(workDir, 'online.txt');
    await stack.outage(async () => {
      await expect
        .poll(() => page.locator('[data-testid="conn"]').getAttribute('data-state'), { timeout: 10_000 })
        .toBe('closed');
      await expect.poll(() => page.locator('[data-testid="conn"]').textContent()).toMatch(/retrying in \d+ s/);
      await page.keyboard.down('Shift'); // held across the outage: must not stay held afterwards
      await typeLikeAPerson(page, `echo offline > ${offline}`);
      await page.keyboard.press('Enter');
      await page.keyboard.up('Shift');
      await new Promise((r) => setTimeout(r, 1000));
    });
    // Connected again, logged in with the same token, and back in control.
    await waitForKvm(page);
    await typeLikeAPerson(page, `echo online > ${online}`);
    await page.keyboard.press('Enter');
    const text = await waitFor(
      () => (existsSync(online) ? readFileSync(online, 'utf8') : undefined),
      'the file typed after reconnecting',
    );
    expect(text).toBe('online\n'); // lower case: no Shift left held from before the outage
    expect(existsSync(offline)).toBe(false);
  });
});
