/**
 * Errors raised by the gadget setup. Each carries a stable string `code` so the systemd unit's
 * journal line and the rig's assertions can name the failure without parsing messages; the
 * message says what to do about it.
 */

export type GadgetErrorCode =
  | 'usage' // bad command line (not `up` or `down`)
  | 'configfs-missing' // /sys/kernel/config/usb_gadget absent: configfs not mounted or libcomposite not loaded
  | 'no-udc' // /sys/class/udc is empty: no USB device controller driver (dwc2 on a Pi) is loaded
  | 'udc-unknown' // the UDC named by --udc / WEBKVM_UDC does not exist
  | 'udc-busy' // the UDC is already bound to another gadget
  | 'permission' // not root, or configfs refused a write for lack of rights
  | 'io'; // any other configfs failure, with the path and errno in the message

export class GadgetError extends Error {
  override name = 'GadgetError';
  constructor(
    readonly code: GadgetErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The errno code of a thrown fs error (`EBUSY`, `ENOENT`...), or 'UNKNOWN'. */
export function errnoOf(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

/** Wraps an fs failure on `path` as a GadgetError ('permission' for EACCES/EPERM, else 'io'). */
export function ioError(action: string, path: string, e: unknown): GadgetError {
  const errno = errnoOf(e);
  const code = errno === 'EACCES' || errno === 'EPERM' ? 'permission' : 'io';
  const hint = code === 'permission' ? ' (gadget setup must run as root)' : '';
  return new GadgetError(code, `${action} ${path} failed: ${errno}${hint}`, { cause: e });
}
