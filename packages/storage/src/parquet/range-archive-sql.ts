import { quote } from '../duckdb/partition-loader.js';
import { TYPED_ATTRIBUTES } from '../duckdb/schema.js';

/** Spans per lookup block of an archive day: a trace by id reads one block's row groups (see ROW_GROUP_SPANS). */
export const ARCHIVE_BLOCK_SPANS = 16_384;
/** Parquet row group size: two per block, so that the block's zone map prunes all but its own. */
const ROW_GROUP_SPANS = ARCHIVE_BLOCK_SPANS / 2;

/**
 * zstd level of the files. Measured on 100,000 realistic spans: level 3 (DuckDB's default) 89.8 B/span, 9 63.8 B/span
 * for a third more COPY time, 15 55.9 B/span for four times as much. On 250,000 (the best of three COPYs each): level
 * 9 67.7 B/span in 5.55 s, 7 69.9 in 5.38, 6 71.3 in 5.04, 5 77.0 in 5.00, 3 89.6 in 4.55. Level 6 keeps the files
 * well under the live store's 82 B/span (the issue's bound) for 9% less time than 9.
 */
const ZSTD_LEVEL = 6;

/*
 * The span body (span-codec writeBody) is: attribute entries, then events (each EVENT delta FIELD name FIELD dropped
 * FIELD entries), then REST and a JSON document. Each entry is ENTRY key KEY_END text TYPE_END type [payload], with
 * every separator inside keys, values and payloads escaped, so splitting on them is exact.
 */
const ENTRY = 'chr(30)';
const KEY_END = 'chr(31)';
const TYPE_END = 'chr(29)';
const EVENT = 'chr(26)';
const FIELD = 'chr(25)';
const REST = 'chr(28)';

/**
 * Macros of the COPY: encoded attribute entries as MAP(VARCHAR, VARCHAR), each key with its value as text
 * (anyValueToString). A key repeated on one span (OTLP allows it) keeps its first value in the map; clew_body keeps
 * all. `clew_attr_map` is the slow way, which entriesMap takes only for a span with a repeated key.
 */
export const ARCHIVE_MACROS = [
  `CREATE OR REPLACE TEMP MACRO clew_first_keys(clew_kvs) AS
     map_from_entries(list_filter(clew_kvs, (clew_e, clew_i) -> list_position(list_transform(clew_kvs, clew_x -> clew_x.key), clew_e.key) = clew_i))`,
  `CREATE OR REPLACE TEMP MACRO clew_attr_map(clew_enc) AS clew_first_keys(list_transform(list_filter(string_split(clew_enc, ${ENTRY}), clew_e -> clew_e <> ''),
     clew_e -> {'key': split_part(clew_e, ${KEY_END}, 1), 'value': split_part(split_part(clew_e, ${KEY_END}, 2), ${TYPE_END}, 1)}))`,
];
/**
 * Encoded attribute entries as a map. No separator is raw inside an entry's parts, so with KEY_END and TYPE_END made
 * ENTRY the entries split into ['', key, text, type and payload, key, …]: keys and texts are every third item. The
 * split is taken once, as the parameter of a lambda over a one-item list: a macro's arguments, and an expression
 * named twice, are evaluated each time they occur. On 250,000 realistic spans: 1.33 s, against 1.6 s for keys by a
 * regular expression and texts by slicing each entry (and 6.2 s for clew_attr_map on every span). Lambda parameters
 * are named clew_* so that they capture nothing passed in.
 */
const entriesMap = (entries: string): string =>
  `list_transform([string_split(replace(replace(${entries}, ${KEY_END}, ${ENTRY}), ${TYPE_END}, ${ENTRY}), ${ENTRY})], clew_p ->
     CASE WHEN len(list_distinct(list_slice(clew_p, 2, -1, 3))) = len(clew_p) // 3
       THEN map(list_slice(clew_p, 2, -1, 3), list_slice(clew_p, 3, -1, 3)) ELSE clew_attr_map(${entries}) END)[1]`;

/**
 * What a day file is written from: relations with the columns and ids of a store partition's `spans`, `resources`,
 * `scopes` and `tenants` (a staging partition's tables, or a live store's spans of the day with their ids made one
 * set: see range-archive-copy.ts). Each is a table name or a parenthesised query.
 */
export interface ArchiveDaySource {
  readonly spans: string;
  readonly resources: string;
  readonly scopes: string;
  readonly tenants: string;
}

/** A partition's own tables as the source (the staging partition `alias`). */
export function partitionSource(alias: string): ArchiveDaySource {
  return { spans: `${alias}.spans`, resources: `${alias}.resources`, scopes: `${alias}.scopes`, tenants: `${alias}.tenants` };
}

/**
 * The spans with the parts of their body the columns read, each cut once: the span's own attribute entries (the body
 * up to its first raw EVENT or REST; the whole body for most spans, which have neither) and the events part; and
 * their place in the file, numbered here, on the spans as stored, by the one sort of the COPY (a window ordered by
 * trace id, start and span id, whose rows come out in that order): sorted once the columns are made, the rows would
 * carry their maps and lists through the sort.
 */
const spansWithParts = (spans: string): string => `(
  SELECT *,
    row_number() OVER (ORDER BY trace_id, start_ns, span_id) AS clew_rn,
    CASE WHEN strpos(attrs, ${EVENT}) = 0 AND strpos(attrs, ${REST}) = 0 THEN attrs ELSE regexp_extract(attrs, '^[^\\x1a\\x1c]*') END AS own_entries,
    CASE WHEN strpos(attrs, ${EVENT}) = 0 THEN NULL ELSE regexp_extract(attrs, '\\x1a[^\\x1c]*') END AS event_part,
    -- The REST JSON document (status message, links…), or NULL: read by two columns, cut once.
    CASE WHEN strpos(attrs, ${REST}) = 0 THEN NULL ELSE nullif(split_part(attrs, ${REST}, 2), '') END AS rest
  FROM ${spans})`;

/**
 * The columns of an archive day file, from the spans `s` and the one-row lists `r`, `sc` and `t` of their resources,
 * scopes and tenants (each indexed by id + 1: see idLists): first what a data tool reads (ids as lower-case hex, times
 * as TIMESTAMP_NS, attributes as text maps), then the `clew_` columns that give every span back exactly (the store's
 * own encodings and ids).
 */
function archiveColumns(): string {
  return `
    lower(lpad(to_hex(s.trace_id), 32, '0')) AS trace_id,
    lower(lpad(to_hex(s.span_id), 16, '0')) AS span_id,
    CASE WHEN s.parent_id IS NULL THEN NULL ELSE lower(lpad(to_hex(s.parent_id), 16, '0')) END AS parent_span_id,
    make_timestamp_ns(s.start_ns::BIGINT) AS start_time,
    make_timestamp_ns(s.start_ns::BIGINT + s.duration_ns) AS end_time,
    s.duration_ns,
    s.name,
    s.kind,
    r.service[s.res_id + 1] AS service,
    s.status_code,
    coalesce(json_extract_string(s.rest, '$.sm'), '') AS status_message,
    ${entriesMap('s.own_entries')} AS attributes,
    CASE WHEN s.event_part IS NULL THEN [] ELSE list_transform(list_filter(string_split(s.event_part, ${EVENT}), e -> e <> ''), e -> {
      'time': make_timestamp_ns(s.start_ns::BIGINT + split_part(e, ${FIELD}, 1)::BIGINT),
      'name': split_part(e, ${FIELD}, 2),
      'attributes': ${entriesMap(`split_part(e, ${FIELD}, 4)`)}
    }) END AS events,
    json_extract(s.rest, '$.l') AS links,
    r.resource[s.res_id + 1] AS resource,
    sc.name[s.scope_id + 1] AS scope_name,
    sc.version[s.scope_id + 1] AS scope_version,
    coalesce(t.name[s.tenant_id + 1], 'default') AS tenant,
    s.attrs AS clew_body,
    r.enc[s.res_id + 1] AS clew_resource,
    sc.enc[s.scope_id + 1] AS clew_scope,
    s.res_id AS clew_resource_id,
    s.scope_id AS clew_scope_id,
    s.tenant_id AS clew_tenant_id,
    ((s.clew_rn - 1) // ${ARCHIVE_BLOCK_SPANS})::UINTEGER AS clew_block`;
}

/**
 * One row of lists, each item the `columns` of the `relation`'s row whose id is its index − 1 (NULL where no row has
 * that id): what the spans' ids look up, `list[id + 1]`, in place of a join. DuckDB's hash joins give their rows out of
 * the order they came in, so joined spans would need sorting again, with their maps and lists (on 500,000 realistic
 * spans the COPY took 1.5–1.9 times as long, and 1.3–1.7 times the CPU); a one-row cross product keeps the order.
 * A source's ids are small and dense (numbered from 0 or 1 in a partition).
 */
const idLists = (relation: string, columns: Record<string, string>): string => {
  const names = Object.keys(columns);
  return `(SELECT ${names.map((n) => `list(x.${n} ORDER BY g.i) AS ${n}`).join(', ')}
    FROM range(0, (SELECT coalesce(max(id) + 1, 0) FROM ${relation})) g(i)
      LEFT JOIN (SELECT id, ${names.map((n) => `${columns[n]} AS ${n}`).join(', ')} FROM ${relation}) x ON x.id = g.i)`;
};

/**
 * Writes a source's spans to `file` as Parquet, sorted by trace id (then start, span id) so that a trace's spans sit
 * together in one block. The order is the numbering's (`clew_rn`, a window ordered so), kept by every step after it:
 * the columns are computed row by row, the resources, scopes and tenants looked up in one-row lists (idLists), and
 * COPY writes rows in the order they come. Were it ever lost, every lookup would still be right (each row carries its
 * block), only slower; a test reads a written file back in file order.
 */
export function copyDaySql(src: ArchiveDaySource, file: string): string {
  return `COPY (
    SELECT ${archiveColumns()}
    FROM ${spansWithParts(src.spans)} s,
      -- Each resource's map once, not once per span.
      ${idLists(src.resources, { service: 'service', enc: 'enc', resource: entriesMap(`json_extract_string(enc, '$[0]')`) })} r,
      -- And each scope's name and version.
      ${idLists(src.scopes, { enc: 'enc', name: `json_extract_string(enc, '$[0]')`, version: `json_extract_string(enc, '$[1]')` })} sc,
      ${idLists(src.tenants, { name: 'name' })} t
  ) TO ${quote(file)} (FORMAT PARQUET, COMPRESSION ZSTD, COMPRESSION_LEVEL ${ZSTD_LEVEL}, ROW_GROUP_SIZE ${ROW_GROUP_SPANS})`;
}

/** `schema.spans` over an archive day file, with the columns and types of a store partition's `spans` table. */
export function spansViewSql(schema: string, file: string): string {
  const typed = [...TYPED_ATTRIBUTES.values()].map((c) => `NULL::VARCHAR AS ${c}`).join(', ');
  return `CREATE VIEW ${schema}.spans AS SELECT
      ((('0x' || substr(trace_id, 1, 16))::UBIGINT::UHUGEINT << 64) | ('0x' || substr(trace_id, 17, 16))::UBIGINT::UHUGEINT) AS trace_id,
      ('0x' || span_id)::UBIGINT AS span_id,
      ('0x' || parent_span_id)::UBIGINT AS parent_id,
      epoch_ns(start_time)::UBIGINT AS start_ns,
      duration_ns, name, kind, status_code,
      clew_resource_id AS res_id, clew_scope_id AS scope_id, clew_block AS blk, clew_body AS attrs,
      -- The typed attribute columns are left empty: every attribute filter then reads the body, as for a spilled span.
      ${typed}, TRUE AS typed_spill,
      clew_tenant_id AS tenant_id,
      -- Trace ids as stored (lower-case hex): what a lookup by id filters on, pushed down into the Parquet scan.
      trace_id AS trace_hex
    FROM read_parquet(${quote(file)})`;
}
