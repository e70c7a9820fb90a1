import http from 'node:http';
import https from 'node:https';
import { videoError, type VideoError } from './errors.ts';
import { boundaryFromContentType } from './multipart-syntax.ts';
import type { Transport, TransportSink } from './transport.ts';

/**
 * GETs `url` (e.g. uStreamer's http://127.0.0.1:8080/stream) and streams the body to `sink`.
 * Only a 200 with a `multipart/*` Content-Type opens the stream; anything else closes with
 * `http-status` or `not-multipart`. No socket timeout here: the supervisor's no-frame watchdog
 * covers a server that accepts and then stalls, at any stage.
 */
export function openHttp(url: string, sink: TransportSink): Transport {
  let done = false;
  // eslint-disable-next-line prefer-const -- assigned below, after `finish` that reads it is defined
  let req: http.ClientRequest | undefined;
  const finish = (err: VideoError): void => {
    if (done) return;
    done = true;
    req?.destroy();
    sink.onClose(err);
  };
  const close = (): void => {
    done = true;
    req?.destroy();
  };

  const target = URL.canParse(url) ? new URL(url) : undefined;
  if (target?.protocol !== 'http:' && target?.protocol !== 'https:') {
    setImmediate(() => finish(videoError('bad-config', `video URL ${JSON.stringify(url)} is not an http(s) URL`)));
    return { close };
  }
  const get = target.protocol === 'https:' ? https.get : http.get;
  // agent:false: a dedicated socket, never pooled; the response lasts as long as the stream.
  req = get(target, { agent: false, headers: { accept: 'multipart/x-mixed-replace, */*' } }, (res) => {
    if (done) return void res.destroy();
    if (res.statusCode !== 200) {
      res.resume();
      return finish(
        videoError('http-status', `GET ${url}: HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trimEnd()),
      );
    }
    const type = res.headers['content-type'] ?? '';
    if (!/^multipart\//i.test(type)) {
      res.resume();
      return finish(videoError('not-multipart', `GET ${url}: Content-Type ${JSON.stringify(type)} is not multipart/*`));
    }
    sink.onOpen(boundaryFromContentType(type), `GET ${url} (${type})`);
    res.on('data', (chunk: Buffer) => {
      if (!done) sink.onData(chunk);
    });
    res.on('end', () => finish(videoError('stream-ended', `GET ${url}: the server ended the stream`)));
    res.on('error', (e) => finish(videoError('stream-ended', `GET ${url}: ${e.message}`)));
    res.on('close', () => finish(videoError('stream-ended', `GET ${url}: connection closed`)));
  });
  req.on('error', (e) => finish(videoError('connect-failed', `GET ${url}: ${e.message}`)));
  return { close };
}
