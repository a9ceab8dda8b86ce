/** What the registry's and billing's CSV exports share: optional columns, and what identifies a row. */

/** Whether `columns` are some of `allowed`, each once, in allowed's order. */
export function isOrderedSubset(columns: readonly string[], allowed: readonly string[]): boolean {
  let at = -1;
  return columns.every((c) => {
    const i = allowed.indexOf(c);
    if (i <= at) return false;
    at = i;
    return true;
  });
}

/** A row's identity: the old CA key's identifier ('' when the export does not say) and the serial. */
export const rowKey = (r: { readonly issuerKeyId?: string; readonly serial: string }): string => `${r.issuerKeyId ?? ''}/${r.serial}`;
