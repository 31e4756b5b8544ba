import { z } from 'zod';
import { parseConfigDuration } from '../../config/duration.js';

const duration = z.string().refine((s) => parseConfigDuration(s) !== null, {
  message: 'expected a duration such as 10s, 500ms or 1m30s',
});

/** An OTLP/HTTP base address (`http://10.0.0.1:4318`), without a trailing slash so every collector names it alike. */
const peerUrl = z
  .string()
  .refine(
    (s) => {
      try {
        const u = new URL(s);
        return (u.protocol === 'http:' || u.protocol === 'https:') && u.search === '' && u.hash === '';
      } catch {
        return false;
      }
    },
    { message: "expected a collector's OTLP/HTTP base address such as http://10.0.0.1:4318 (spans go to <address>/v1/traces)" },
  )
  .transform((s) => s.replace(/\/+$/, ''));

/**
 * `pipeline.tailSampling.peers`: the collectors that share tail sampling. Each forwards the spans of a trace another
 * owns (consistent hashing of the trace id over `members`) to that owner, so one sampler sees the whole trace. Every
 * member must be given the same `members`; `self` is this collector's own address as the others reach it.
 * @example peers: { self: http://10.0.0.1:4318, members: [http://10.0.0.1:4318, http://10.0.0.2:4318], token: <admin token> }
 */
export const peersConfigSchema = z
  .object({
    /** This collector's OTLP/HTTP address, exactly as listed in `members`. */
    self: peerUrl,
    /** Every collector's OTLP/HTTP address, this one's included. */
    members: z.array(peerUrl).min(1),
    /** With auth on: an admin token whose `tenants` is `*`, so a forwarded request lands in its own tenant (X-Scope-OrgID). */
    token: z.string().min(1).optional(),
    /** One forward request's timeout. */
    timeout: duration.default('5s'),
    /** How long a peer that refuses or does not answer is retried (with backoff) before its traces go to the next live member. */
    retryFor: duration.default('2s'),
    /** How often a peer marked down is probed (an empty export) to bring it back. */
    probeInterval: duration.default('10s'),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (!p.members.includes(p.self)) {
      ctx.addIssue({ code: 'custom', path: ['self'], message: `must be one of members (${p.members.join(', ')}): the ring must place this collector` });
    }
    const seen = new Set<string>();
    p.members.forEach((m, i) => {
      if (seen.has(m)) ctx.addIssue({ code: 'custom', path: ['members', i], message: `${m} is listed twice` });
      seen.add(m);
    });
  });

export type PeersConfig = z.infer<typeof peersConfigSchema>;
