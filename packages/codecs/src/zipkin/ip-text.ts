/** An IPv4 address's 4 bytes as dotted decimal; '' for any other length. */
export function ipv4Text(b: Uint8Array): string {
  return b.length === 4 ? `${b[0]}.${b[1]}.${b[2]}.${b[3]}` : '';
}

/** An IPv6 address's 16 bytes in RFC 5952 form (lowercase, the longest run of zero groups as ::); '' otherwise. */
export function ipv6Text(b: Uint8Array): string {
  if (b.length !== 16) return '';
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
  let bestAt = -1;
  let bestLen = 1; // a single zero group is not shortened
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [bestAt, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestAt < 0) return hex.join(':');
  return `${hex.slice(0, bestAt).join(':')}::${hex.slice(bestAt + bestLen).join(':')}`;
}
