/*
 * Service colours, handed out in the order services are first drawn (as Jaeger UI's colour generator does): the
 * services of one page never share a colour until the palette runs out, and a service keeps its colour for the
 * session. Hashing names gave the same colour to two of the demo's eight services. The palette reads on light and
 * dark backgrounds.
 */
const PALETTE = [
  '#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#17a2b8', '#3b5bdb', '#edc948', '#9c755f',
  '#5c7cfa', '#d6336c', '#76b7b2', '#ae3ec9', '#fab005', '#2f9e44', '#e8590c', '#868e96',
  '#1098ad', '#ff9da7', '#7048e8', '#a9c23f',
];

const assigned = new Map<string, string>();

export function serviceColor(name: string): string {
  let c = assigned.get(name);
  if (c === undefined) assigned.set(name, (c = PALETTE[assigned.size % PALETTE.length]!));
  return c;
}
