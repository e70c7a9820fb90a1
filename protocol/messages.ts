import type { ControlRelease, ControlRequest, ControlStatus } from './control.ts';
import type { ErrorMsg } from './error.ts';
import type {
  BatchCancel,
  BatchEnd,
  BatchMsg,
  BatchProgress,
  KeyboardMsg,
  MouseMsg,
  MouseRelMsg,
  ReleaseAll,
} from './hid.ts';
import type { Hello, Ping, Pong } from './session.ts';
import type { HidStatus, LedStatus, VideoStatus } from './status.ts';
import type { Frame } from './video.ts';

/** Messages both ends send. */
export type SharedMessage = Hello | Ping | Pong | ErrorMsg;

/** What a client (the PWA) may send to the bridge. The bridge answers anything else with `not-allowed`. */
export type ClientMessage =
  | SharedMessage
  | KeyboardMsg
  | MouseMsg
  | MouseRelMsg
  | BatchMsg
  | BatchCancel
  | ReleaseAll
  | ControlRequest
  | ControlRelease;

/** What the bridge sends to a client. A client refuses anything else with `not-allowed`. */
export type ServerMessage =
  SharedMessage | BatchProgress | BatchEnd | HidStatus | LedStatus | VideoStatus | Frame | ControlStatus;

/** Every message, either way. Peers use the directional unions; tools and tests use this one. */
export type Message = ClientMessage | ServerMessage;
export type MessageType = Message['type'];
export type ClientMessageType = ClientMessage['type'];
export type ServerMessageType = ServerMessage['type'];

// Typed as Records so that adding a message to a union without listing it here fails to compile.
const CLIENT: Record<ClientMessageType, true> = {
  hello: true,
  ping: true,
  pong: true,
  error: true,
  keyboard: true,
  mouse: true,
  'mouse-rel': true,
  batch: true,
  'batch-cancel': true,
  'release-all': true,
  'control-request': true,
  'control-release': true,
};
const SERVER: Record<ServerMessageType, true> = {
  hello: true,
  ping: true,
  pong: true,
  error: true,
  'batch-progress': true,
  'batch-end': true,
  'hid-status': true,
  leds: true,
  'video-status': true,
  frame: true,
  'control-status': true,
};

/** Types a client may send to the bridge. */
export const CLIENT_TYPES: ReadonlySet<MessageType> = new Set(Object.keys(CLIENT) as MessageType[]);
/** Types the bridge may send to a client. */
export const SERVER_TYPES: ReadonlySet<MessageType> = new Set(Object.keys(SERVER) as MessageType[]);

export function isClientMessage(m: Message): m is ClientMessage {
  return CLIENT_TYPES.has(m.type);
}
export function isServerMessage(m: Message): m is ServerMessage {
  return SERVER_TYPES.has(m.type);
}
