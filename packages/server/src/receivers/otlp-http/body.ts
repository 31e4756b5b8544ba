import { gunzip } from 'node:zlib';
import { ClewError } from '../../errors.js';
import { PayloadFormat } from '../../wal/record.js';

/** The payload format of an OTLP/HTTP request, from its Content-Type. */
export function formatOf(contentType: string | undefined): PayloadFormat {
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (media === 'application/x-protobuf' || media === 'application/protobuf') return PayloadFormat.OTLP_PROTO;
  if (media === 'application/json') return PayloadFormat.OTLP_JSON;
  throw new ClewError(
    'UNSUPPORTED_MEDIA_TYPE',
    `unsupported Content-Type "${contentType ?? ''}"; OTLP/HTTP takes application/x-protobuf or application/json`,
  );
}

/** The request body with any Content-Encoding undone, never larger than `maxBytes` once decompressed. */
export async function decodeBody(body: Buffer, encoding: string | undefined, maxBytes: number): Promise<Buffer> {
  const enc = (encoding ?? '').trim().toLowerCase();
  if (enc === '' || enc === 'identity') return body;
  if (enc !== 'gzip') {
    throw new ClewError('MALFORMED_REQUEST', `unsupported Content-Encoding "${encoding}"; use gzip or none`);
  }
  return new Promise((resolve, reject) => {
    gunzip(body, { maxOutputLength: maxBytes }, (err, out) => {
      if (!err) return resolve(out);
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        reject(
          new ClewError(
            'PAYLOAD_TOO_LARGE',
            `request body decompresses to more than the limit of ${maxBytes} bytes; send smaller batches or raise limits.maxRequestBytes`,
          ),
        );
      } else {
        reject(new ClewError('MALFORMED_REQUEST', `body is not valid gzip: ${err.message}`));
      }
    });
  });
}
