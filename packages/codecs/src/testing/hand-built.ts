// A request assembled by hand that uses every field of every trace message, with unknown fields of every wire
// type (groups included) at every level: the reader and the references must agree on it, and the fuzz test
// mutates it.
import { UNKNOWN_FIELDS, bytes, fixed32, fixed64, ld, str, vint } from './raw-proto.js';

export function handBuiltRequest(): Uint8Array {
  const u = UNKNOWN_FIELDS;
  const anyValues = [
    ld(2, str(1, 's'), u),
    ld(2, vint(2, 1)),
    ld(2, vint(3, 2n ** 63n - 1n)),
    ld(2, vint(3, -1n)),
    ld(2, vint(3, 2n ** 53n + 1n)),
    ld(2, vint(3, -(2n ** 63n))),
    ld(2, fixed64(4, 0x400921fb54442d18n)), // pi
    ld(2, ld(7, [0, 255, 1])),
    ld(2, ld(5, ld(1, str(1, 'in array')), ld(1, ld(5, ld(1, vint(3, 7)))), ld(1), u)),
    ld(2, ld(6, ld(1, str(1, 'k'), ld(2, ld(6, ld(1, str(1, 'deep'), ld(2, vint(2, 0)))))), u)),
    ld(2), // empty AnyValue
    [], // no value at all
    ld(2, vint(8, 5)), // string_value_strindex (profiles only): skipped
  ].map((v, i) => ld(9, str(1, `a${i}`), v, vint(3, 4), u));
  const span = ld(
    2,
    ld(1, Array.from({ length: 16 }, (_, i) => i + 1)),
    ld(2, [1, 2, 3, 4, 5, 6, 7, 8]),
    str(3, 'k=v'),
    ld(4, [8, 7, 6, 5, 4, 3, 2, 1]),
    str(5, 'span name'),
    vint(6, 3),
    fixed64(7, 1_700_000_000_000_000_001n),
    fixed64(8, 2n ** 64n - 1n),
    ...anyValues,
    vint(10, 1),
    ld(11, fixed64(1, 5n), str(2, 'event'), ld(3, str(1, 'e'), ld(2, str(1, 'v'))), vint(4, 2), u),
    vint(12, 3),
    ld(13, ld(1, Array(16).fill(9)), ld(2, Array(8).fill(9)), str(3, 'l=1'), ld(4, str(1, 'lk'), ld(2, vint(2, 1))), vint(5, 4), fixed32(6, 0x301), u),
    vint(14, 5),
    ld(15, str(2, 'boom'), vint(3, 2), u),
    fixed32(16, 0x101),
    u,
  );
  const resource = ld(
    1,
    ld(1, str(1, 'service.name'), ld(2, str(1, 'svc'))),
    vint(2, 6),
    ld(3, str(1, 'https://schema'), str(2, 'service'), str(3, 'service.name'), str(3, 'service.instance.id'), str(4, 'service.version'), u),
    u,
  );
  const scope = ld(1, str(1, 'lib'), str(2, '1.0'), ld(3, str(1, 'sk'), ld(2, vint(3, 1))), vint(4, 7), u);
return bytes(ld(1, resource, ld(2, scope, span, str(3, 'scope-schema'), u), str(3, 'resource-schema'), u), u);
}
