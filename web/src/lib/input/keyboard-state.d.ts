export interface KeyboardStateMachine {
    /** Key pressed: the report to send, or null (already held, or no page-0x07 usage). */
    down(code: string): Uint8Array | null;
    /** Key released: the report to send, or null if the key was not held. */
    up(code: string): Uint8Array | null;
    /** Forget every held key; returns the all-zero report to send. */
    releaseAll(): Uint8Array;
    /** Codes currently held, in press order (as first reported, so an alias stays an alias). */
    held(): string[];
    /** Keydowns ignored because their code has no Keyboard/Keypad page usage. */
    readonly unknownCount: number;
}
export declare function makeKeyboardState(): KeyboardStateMachine;
/**
 * Sends the all-keys-up report whenever `target` fires one of `events` (by default the window's
 * `blur`): once the page loses focus its keyups go elsewhere, and a key left down on the target
 * would auto-repeat there forever. Sent even with nothing held, since it is idempotent.
 * Returns a function that removes the listeners.
 */
export declare function releaseOnBlur(target: EventTarget, state: Pick<KeyboardStateMachine, 'releaseAll'>, send: (report: Uint8Array) => void, events?: readonly string[]): () => void;
