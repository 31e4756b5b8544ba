/*
 * Service colours: a fixed palette readable on light and dark backgrounds, assigned by hashing the name so one
 * service keeps its colour across traces and pages.
 */
const PALETTE = [
  '#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948',
  '#ff9da7', '#9c755f', '#2f9e44', '#e8590c', '#5c7cfa', '#d6336c',
  '#15aabf', '#ae3ec9', '#fab005', '#868e96',
];

export function serviceColor(name: string): string {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return PALETTE[(h >>> 0) % PALETTE.length]!;
}
