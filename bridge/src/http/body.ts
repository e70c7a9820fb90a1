import { AuthError } from '../auth/errors.ts';
import type { Reply } from './reply.ts';

/** Request bodies larger than this are refused with 413 (bytes). */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Reads a JSON object body. Must be called synchronously inside the uWS handler (onData has to be
 * attached before returning). Stops reading past `max` bytes.
 * @throws AuthError 'unsupported-media-type' (not application/json), 'too-large', 'bad-request'
 *   (not JSON, or not an object), or rejects with 'aborted' when the client went away
 */
export function readJsonBody(
  reply: Reply,
  contentType: string,
  max = MAX_BODY_BYTES,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const fail = (e: AuthError): void => {
      failed = true;
      reject(e);
    };
    if (!/^application\/json\s*(;|$)/i.test(contentType)) {
      // Still drain what the client sends, but keep none of it.
      fail(new AuthError('unsupported-media-type', 'send the body as application/json'));
    }
    reply.onAborted(() => !failed && fail(new AuthError('bad-request', 'aborted')));
    reply.res.onData((chunk, isLast) => {
      if (failed) return;
      size += chunk.byteLength;
      if (size > max) return fail(new AuthError('too-large', `request body over ${max} bytes`));
      // uWS neuters the ArrayBuffer on return: copy it.
      chunks.push(Buffer.from(new Uint8Array(chunk)));
      if (!isLast) return;
      const text = Buffer.concat(chunks).toString('utf8');
      let value: unknown;
      try {
        value = text === '' ? {} : JSON.parse(text);
      } catch (e) {
        return fail(new AuthError('bad-request', `body is not JSON: ${e instanceof Error ? e.message : String(e)}`));
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return fail(new AuthError('bad-request', 'body must be a JSON object'));
      resolve(value as Record<string, unknown>);
    });
  });
}
