import { describe, expect, it } from 'vitest';
import type { FieldExpr, Pipeline, SpansetExpr, Stage, Static } from './ast.js';
import { parseTraceQL } from './index.js';

// Builders that read like the query they stand for.
const s = (value: string): FieldExpr => ({ type: 'static', value: { type: 'string', value } });
const lit = (value: Static): FieldExpr => ({ type: 'static', value });
const i = (value: number | bigint): FieldExpr => lit({ type: 'int', value: BigInt(value) });
const dur = (nanos: bigint): FieldExpr => lit({ type: 'duration', value: nanos });
const span = (name: string): FieldExpr => ({ type: 'attribute', scope: 'span', name });
const res = (name: string): FieldExpr => ({ type: 'attribute', scope: 'resource', name });
const any = (name: string): FieldExpr => ({ type: 'attribute', scope: 'any', name });
const intr = (name: Extract<FieldExpr, { type: 'intrinsic' }>['name']): FieldExpr => ({ type: 'intrinsic', name });
const bin = (op: Extract<FieldExpr, { type: 'binary' }>['op'], left: FieldExpr, right: FieldExpr): FieldExpr => ({ type: 'binary', op, left, right });
const filter = (expr: FieldExpr | null): SpansetExpr => ({ type: 'filter', expr });
const op = (o: Extract<SpansetExpr, { type: 'spanset-op' }>['op'], left: SpansetExpr, right: SpansetExpr): SpansetExpr => ({ type: 'spanset-op', op: o, left, right });
const stage = (expr: SpansetExpr): Stage => ({ type: 'spanset', expr });
const pipe = (...stages: Stage[]): Pipeline => ({ stages });
const one = (expr: SpansetExpr): Pipeline => pipe(stage(expr));
const MS = 1_000_000n;

const VALID: Array<[query: string, pipeline: Pipeline]> = [
  ['{}', one(filter(null))],
  ['{ }', one(filter(null))],
  ['{ true }', one(filter(lit({ type: 'bool', value: true })))],
  ['{ name = "GET /cart" }', one(filter(bin('=', intr('name'), s('GET /cart'))))],
  ['{ span:name = "x" }', one(filter(bin('=', intr('name'), s('x'))))],
  ['{ status = error }', one(filter(bin('=', intr('status'), lit({ type: 'status', value: 'error' }))))],
  ['{ span:status != ok }', one(filter(bin('!=', intr('status'), lit({ type: 'status', value: 'ok' }))))],
  ['{ kind = server }', one(filter(bin('=', intr('kind'), lit({ type: 'kind', value: 'server' }))))],
  ['{ span:kind = unspecified }', one(filter(bin('=', intr('kind'), lit({ type: 'kind', value: 'unspecified' }))))],
  ['{ duration > 1ms }', one(filter(bin('>', intr('duration'), dur(MS))))],
  ['{ span:duration >= 1.5s }', one(filter(bin('>=', intr('duration'), dur(1500n * MS))))],
  ['{ duration < 100us }', one(filter(bin('<', intr('duration'), dur(100_000n))))],
  ['{ duration <= 1ns }', one(filter(bin('<=', intr('duration'), dur(1n))))],
  ['{ duration < 2m }', one(filter(bin('<', intr('duration'), dur(120_000n * MS))))],
  ['{ duration < 1h30m }', one(filter(bin('<', intr('duration'), dur(5_400_000n * MS))))],
  ['{ duration > 1µs }', one(filter(bin('>', intr('duration'), dur(1000n))))],
  ['{ statusMessage =~ "time.*" }', one(filter(bin('=~', intr('statusMessage'), s('time.*'))))],
  ['{ span:statusMessage !~ "x" }', one(filter(bin('!~', intr('statusMessage'), s('x'))))],
  ['{ rootName = "GET /" && trace:rootName = "GET /" }', one(filter(bin('&&', bin('=', intr('rootName'), s('GET /')), bin('=', intr('rootName'), s('GET /')))))],
  ['{ rootServiceName = "a" || trace:rootService = "a" }', one(filter(bin('||', bin('=', intr('rootServiceName'), s('a')), bin('=', intr('rootServiceName'), s('a')))))],
  ['{ traceDuration > 1s && trace:duration < 2s }', one(filter(bin('&&', bin('>', intr('traceDuration'), dur(1000n * MS)), bin('<', intr('traceDuration'), dur(2000n * MS)))))],
  ['{ span:id = "00000000000000aa" && trace:id != "" }', one(filter(bin('&&', bin('=', intr('spanID'), s('00000000000000aa')), bin('!=', intr('traceID'), s('')))))],
  ['{ childCount > 1 && span:childCount < 3 }', one(filter(bin('&&', bin('>', intr('childCount'), i(1)), bin('<', intr('childCount'), i(3)))))],
  ['{ nestedSetParent = -1 && nestedSetLeft > 0 && nestedSetRight > 0 }', one(filter(bin('&&', bin('&&', bin('=', intr('nestedSetParent'), i(-1)), bin('>', intr('nestedSetLeft'), i(0))), bin('>', intr('nestedSetRight'), i(0)))))],
  ['{ span.http.status_code = 500 }', one(filter(bin('=', span('http.status_code'), i(500))))],
  ['{ span.http.status_code>=500 }', one(filter(bin('>=', span('http.status_code'), i(500))))],
  ['{ resource.service.name = "cart" }', one(filter(bin('=', res('service.name'), s('cart'))))],
  ['{ .db.system = "redis" }', one(filter(bin('=', any('db.system'), s('redis'))))],
  ['{ span."attr with space" = "v" }', one(filter(bin('=', span('attr with space'), s('v'))))],
  ['{ ."quoted \\" quote".x = 1 }', one(filter(bin('=', any('quoted " quote.x'), i(1))))],
  ['{ .x-y = 1 }', one(filter(bin('=', any('x-y'), i(1))))],
  ['{ span.ratio = 0.5 }', one(filter(bin('=', span('ratio'), lit({ type: 'float', value: 0.5 }))))],
  ['{ span.big = 2.5e3 }', one(filter(bin('=', span('big'), lit({ type: 'float', value: 2500 }))))],
  ['{ span.n = -3 }', one(filter(bin('=', span('n'), i(-3))))],
  ['{ span.n = 0x1F }', one(filter(bin('=', span('n'), i(31))))],
  ['{ span.cached = true }', one(filter(bin('=', span('cached'), lit({ type: 'bool', value: true }))))],
  ['{ span.cached }', one(filter(span('cached')))],
  ['{ span.x != nil }', one(filter(bin('!=', span('x'), lit({ type: 'nil' }))))],
  ['{ span.s = "a\\"b\\n\\u00e9" }', one(filter(bin('=', span('s'), s('a"b\né'))))],
  ['{ span.s = `raw \\n` }', one(filter(bin('=', span('s'), s('raw \\n'))))],
  ['{ !(span.a = 1) }', one(filter({ type: 'unary', op: '!', operand: bin('=', span('a'), i(1)) }))],
  // `&&` and `||` share one precedence, left to right, as in Tempo's grammar.
  ['{ span.a = 1 || span.b = 2 && span.c = 3 }', one(filter(bin('&&', bin('||', bin('=', span('a'), i(1)), bin('=', span('b'), i(2))), bin('=', span('c'), i(3)))))],
  ['{ span.a = 1 && span.b = 2 || span.c = 3 }', one(filter(bin('||', bin('&&', bin('=', span('a'), i(1)), bin('=', span('b'), i(2))), bin('=', span('c'), i(3)))))],
  ['{ span.a = 1 || (span.b = 2 && span.c = 3) }', one(filter(bin('||', bin('=', span('a'), i(1)), bin('&&', bin('=', span('b'), i(2)), bin('=', span('c'), i(3))))))],
  ['{ (span.a = 1 || span.b = 2) && span.c = 3 }', one(filter(bin('&&', bin('||', bin('=', span('a'), i(1)), bin('=', span('b'), i(2))), bin('=', span('c'), i(3)))))],
  ['{ span.a + span.b * 2 > 10 }', one(filter(bin('>', bin('+', span('a'), bin('*', span('b'), i(2))), i(10))))],
  ['{ duration / 2 ^ 2 % 3 - 1 > 0 }', one(filter(bin('>', bin('-', bin('%', bin('/', intr('duration'), bin('^', i(2), i(2))), i(3)), i(1)), i(0))))],
  ['{ 1ms < duration }', one(filter(bin('<', dur(MS), intr('duration'))))],
  ['{ .a = 1 } && { .b = 2 }', one(op('&&', filter(bin('=', any('a'), i(1))), filter(bin('=', any('b'), i(2)))))],
  ['{ .a = 1 } || { .b = 2 }', one(op('||', filter(bin('=', any('a'), i(1))), filter(bin('=', any('b'), i(2)))))],
  ...(['>', '>>', '<', '<<', '~', '!>', '!>>', '!<', '!<<', '!~', '&>', '&>>', '&<', '&<<', '&~'] as const).map(
    (o): [string, Pipeline] => [`{ .a = 1 } ${o} { .b = 2 }`, one(op(o, filter(bin('=', any('a'), i(1))), filter(bin('=', any('b'), i(2)))))],
  ),
  ['{}>>{}', one(op('>>', filter(null), filter(null)))],
  ['{ .a = 1 } > { .b = 2 } > { .c = 3 }', one(op('>', op('>', filter(bin('=', any('a'), i(1))), filter(bin('=', any('b'), i(2)))), filter(bin('=', any('c'), i(3)))))],
  ['{ .a = 1 } && { .b = 2 } > { .c = 3 }', one(op('&&', filter(bin('=', any('a'), i(1))), op('>', filter(bin('=', any('b'), i(2))), filter(bin('=', any('c'), i(3))))))],
  ['{ .a = 1 } || { .b = 2 } && { .c = 3 }', one(op('&&', op('||', filter(bin('=', any('a'), i(1))), filter(bin('=', any('b'), i(2)))), filter(bin('=', any('c'), i(3)))))],
  ['{ .a = 1 } && { .b = 2 } || { .c = 3 }', one(op('||', op('&&', filter(bin('=', any('a'), i(1))), filter(bin('=', any('b'), i(2)))), filter(bin('=', any('c'), i(3)))))],
  ['{ .a = 1 } || { .b = 2 } >> { .c = 3 }', one(op('||', filter(bin('=', any('a'), i(1))), op('>>', filter(bin('=', any('b'), i(2))), filter(bin('=', any('c'), i(3))))))],
  ['{ .a = 1 } !~ { .b = 2 } && { .c = 3 } &> { .d = 4 }', one(op('&&', op('!~', filter(bin('=', any('a'), i(1))), filter(bin('=', any('b'), i(2)))), op('&>', filter(bin('=', any('c'), i(3))), filter(bin('=', any('d'), i(4))))))],
  ['({ .a = 1 } || { .b = 2 }) > { .c = 3 }', one(op('>', op('||', filter(bin('=', any('a'), i(1))), filter(bin('=', any('b'), i(2)))), filter(bin('=', any('c'), i(3)))))],
  ['{ } | count() > 2', pipe(stage(filter(null)), { type: 'scalar-filter', op: '>', left: { type: 'aggregate', aggregate: { fn: 'count' } }, right: { type: 'static', value: { type: 'int', value: 2n } } })],
  [
    '{ } | avg(duration) > 20ms',
    pipe(stage(filter(null)), { type: 'scalar-filter', op: '>', left: { type: 'aggregate', aggregate: { fn: 'avg', field: intr('duration') } }, right: { type: 'static', value: { type: 'duration', value: 20n * MS } } }),
  ],
  ...(['max', 'min', 'sum'] as const).map((fn): [string, Pipeline] => [
    `{ } | ${fn}(span.bytes) <= 1.5`,
    pipe(stage(filter(null)), { type: 'scalar-filter', op: '<=', left: { type: 'aggregate', aggregate: { fn, field: span('bytes') } }, right: { type: 'static', value: { type: 'float', value: 1.5 } } }),
  ]),
  [
    '{ } | count() * 2 >= -4',
    pipe(stage(filter(null)), {
      type: 'scalar-filter',
      op: '>=',
      left: { type: 'binary', op: '*', left: { type: 'aggregate', aggregate: { fn: 'count' } }, right: { type: 'static', value: { type: 'int', value: 2n } } },
      right: { type: 'static', value: { type: 'int', value: -4n } },
    }),
  ],
  ['{ } | select(span.a, resource.b, duration)', pipe(stage(filter(null)), { type: 'select', fields: [span('a'), res('b'), intr('duration')] })],
  ['{ } | by(resource.service.name)', pipe(stage(filter(null)), { type: 'by', fields: [res('service.name')] })],
  ['{ } | coalesce()', pipe(stage(filter(null)), { type: 'coalesce' })],
  ['{ .a = 1 } | { .b = 2 }', pipe(stage(filter(bin('=', any('a'), i(1)))), stage(filter(bin('=', any('b'), i(2)))))],
  [
    '({ .a = 1 } | count() > 1) && { .b = 2 }',
    one(
      op(
        '&&',
        { type: 'pipeline', pipeline: pipe(stage(filter(bin('=', any('a'), i(1)))), { type: 'scalar-filter', op: '>', left: { type: 'aggregate', aggregate: { fn: 'count' } }, right: { type: 'static', value: { type: 'int', value: 1n } } }) },
        filter(bin('=', any('b'), i(2))),
      ),
    ),
  ],
  ['{ name =~ "(?i)get.*" }\n| select(span.a)', pipe(stage(filter(bin('=~', intr('name'), s('(?i)get.*')))), { type: 'select', fields: [span('a')] })],
];

describe('parseTraceQL: valid queries', () => {
  it.each(VALID)('%s', (query, pipeline) => {
    const r = parseTraceQL(query);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.query.pipeline).toEqual(pipeline);
  });
});

/** Each malformed query with the message it gets (the offset is checked against the line and column). */
const MALFORMED: Array<[query: string, message: string]> = [
  ['', 'parse error at line 1, col 1: expected a query such as { span.http.status_code = 500 } but found end of query'],
  ['{ .a = }', 'parse error at line 1, col 8: expected a value after "=" but found "}"'],
  ['{ span.http.status_code = }', 'parse error at line 1, col 27: expected a value after "=" but found "}"'],
  ['{ .a = 1', 'parse error at line 1, col 9: expected one of "=", "!=", ">", ">=", "<", "<=", "=~", "!~", "&&", "||" or "}" but found end of query'],
  ['{ .a 1 }', 'parse error at line 1, col 6: expected one of "=", "!=", ">", ">=", "<", "<=", "=~", "!~", "&&", "||" or "}" but found "1"'],
  ['{ .a = 1 } {', 'parse error at line 1, col 12: expected "|", "&&", "||", a structural operator (">", ">>", "<", "<<", "~") or the end of the query but found "{"'],
  ['{ .a = 1 } >', 'parse error at line 1, col 13: expected a spanset filter "{" or "(" after ">" but found end of query'],
  ['{ .a = 1 } |', 'parse error at line 1, col 13: expected "{", "(", an aggregate (count(), avg(), max(), min(), sum()), by(), select() or coalesce() after "|" but found end of query'],
  ['{ } | count() >', 'parse error at line 1, col 16: expected a number, a duration or an aggregate (count(), avg(), max(), min(), sum()) but found end of query'],
  ['{ } | count()', 'parse error at line 1, col 14: expected one of "=", "!=", ">", ">=", "<", "<=" after the aggregate but found end of query'],
  ['{ } | count(1) > 1', 'parse error at line 1, col 13: expected ")": count() takes no arguments but found "1"'],
  ['{ } | avg() > 1', 'parse error at line 1, col 11: expected a field to aggregate, such as avg(duration) or avg(span.bytes), but found ")"'],
  ['{ } | avg(name) > 1', 'parse error at line 1, col 11: avg() needs a number or a duration, such as avg(duration)'],
  ['{ } | select(span.a', 'parse error at line 1, col 20: expected "," or ")" to close select( but found end of query'],
  ['{ } | 2 > 1', 'parse error at line 1, col 9: a pipeline comparison needs an aggregate such as count() or avg(duration)'],
  ['{ foo = 1 }', 'parse error at line 1, col 3: unknown intrinsic "foo"; attributes need a scope: span.foo, resource.foo or .foo'],
  ['{ span:foo = 1 }', 'parse error at line 1, col 3: unknown intrinsic "span:foo"'],
  ['{ spam:name = 1 }', 'parse error at line 1, col 3: unknown scope "spam:" in "spam:name"'],
  ['{ event.x = 1 }', 'parse error at line 1, col 3: "event." attributes are not supported: use span., resource. or an unscoped . attribute'],
  ['{ parent = nil }', 'parse error at line 1, col 3: intrinsic "parent" is not supported'],
  ['{ span. = 1 }', 'parse error at line 1, col 8: expected an attribute name after "span." but found " "'],
  ['{ . = 1 }', 'parse error at line 1, col 4: expected an attribute name after "." but found " "'],
  ['{ span."open = 1 }', 'parse error at line 1, col 8: unterminated quoted attribute name: expected a closing "'],
  ['{ .a = "open }', 'parse error at line 1, col 8: unterminated string: expected a closing "'],
  ['{ .a = "\\q" }', 'parse error at line 1, col 9: invalid escape sequence "\\q" in string'],
  ['{ .a = 1 } & { .b = 2 }', 'parse error at line 1, col 12: unexpected character "&"'],
  ['{ .a "x" }', 'parse error at line 1, col 6: expected one of "=", "!=", ">", ">=", "<", "<=", "=~", "!~", "&&", "||" or "}" but found the string "x"'],
  ['{ .a = 1 ; }', 'parse error at line 1, col 10: unexpected character ";"'],
  ['{ status = 200 }', 'parse error at line 1, col 10: cannot compare a status (ok, error, unset) with a number'],
  ['{ status > ok }', 'parse error at line 1, col 10: ">" does not apply to a status (ok, error, unset); use "=" or "!="'],
  ['{ kind = error }', 'parse error at line 1, col 8: cannot compare a kind (server, client, ...) with a status (ok, error, unset)'],
  ['{ name = 1 }', 'parse error at line 1, col 8: cannot compare a string with a number'],
  ['{ duration > "1s" }', 'parse error at line 1, col 12: cannot compare a number with a string'],
  ['{ .a > nil }', 'parse error at line 1, col 6: nil compares only with "=" and "!=", not ">"'],
  ['{ duration =~ "1" }', 'parse error at line 1, col 12: "=~" matches text, not a number'],
  ['{ name =~ .a }', 'parse error at line 1, col 8: expected a string with a regular expression after "=~"'],
  ['{ name =~ "(" }', 'parse error at line 1, col 11: invalid regular expression "(": Unterminated group'],
  // "!" binds tighter than a comparison, as in Tempo's grammar: this is (!span.a) = 1.
  ['{ !span.a = 1 }', 'parse error at line 1, col 11: cannot compare a boolean with a number'],
  ['{ name = "a" && 1 }', 'parse error at line 1, col 14: "&&" needs true/false on both sides, not a number'],
  ['{ !duration }', 'parse error at line 1, col 3: "!" needs true/false, not a number'],
  ['{ name + 1 > 2 }', 'parse error at line 1, col 8: "+" needs numbers on both sides, not a string'],
  ['{ name }', 'parse error at line 1, col 8: a spanset filter must be a condition such as { span.http.status_code = 500 }'],
  ['{ .a = 99999999999999999999 }', 'parse error at line 1, col 8: integer 99999999999999999999 is out of range (int64)'],
  ['{ (.a = 1 }', 'parse error at line 1, col 11: expected ")" or an operator but found "}"'],
  ['({ .a = 1 }', 'parse error at line 1, col 12: expected ")", "|" or a spanset operator but found end of query'],
  ['{ .a = 1 }\n  && { .b = }', 'parse error at line 2, col 13: expected a value after "=" but found "}"'],
  ['{ } | rate()', "parse error at line 1, col 7: TraceQL metrics (rate()) are not supported: Clew's TraceQL searches traces"],
  ['{ } | coalesce(1)', 'parse error at line 1, col 16: expected ")": coalesce() takes no arguments but found "1"'],
];

describe('parseTraceQL: malformed queries', () => {
  it.each(MALFORMED)('%j', (query, message) => {
    const r = parseTraceQL(query);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toBe(message);
    const before = query.slice(0, r.error.offset).split('\n');
    expect([r.error.line, r.error.column]).toEqual([before.length, before[before.length - 1]!.length + 1]);
  });
});
