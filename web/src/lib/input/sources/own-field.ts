/** Events from elements where the user types into the PWA itself are not forwarded (nor recorded). */
export function isOwnTextField(t: EventTarget | null): boolean {
  return (
    t instanceof HTMLElement &&
    (t.isContentEditable || t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT')
  );
}
