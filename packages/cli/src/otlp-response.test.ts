import { describe, expect, it } from 'vitest';
import { readStatusMessage } from './otlp-response.js';

describe('readStatusMessage', () => {
  // google.rpc.Status { code = 7 (PERMISSION_DENIED), message = "a read token may not write spans" }
  const message = 'a read token may not write spans';
  const proto = Buffer.concat([Buffer.from([0x08, 0x07, 0x12, message.length]), Buffer.from(message)]);

  it.each([
    ['a protobuf Status', proto, 'application/x-protobuf', message],
    ['a JSON Status', Buffer.from(JSON.stringify({ code: 7, message })), 'application/json; charset=utf-8', message],
    ['text, as it is', Buffer.from('Bad Gateway'), 'text/html', 'Bad Gateway'],
    ['JSON that is not a Status, as it is', Buffer.from('{"errors":[]}'), 'application/json', '{"errors":[]}'],
  ])('%s', (_, body, contentType, said) => {
    expect(readStatusMessage(body, contentType)).toBe(said);
  });
});
