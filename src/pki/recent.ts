/**
 * A bounded memo: the values computed lately, by key, the oldest dropped first. Renewals meet
 * the same issuer names, OIDs and dates over and over; a long-running centre must not grow.
 */
export class Recent<V> {
  private readonly values = new Map<string, V>();

  constructor(private readonly max: number) {}

  /** The value for `key`, computed by `make` unless it was computed lately. */
  get(key: string, make: () => V): V {
    let value = this.values.get(key);
    if (value === undefined) {
      value = make();
      if (this.values.size >= this.max) this.values.delete(this.values.keys().next().value!);
      this.values.set(key, value);
    }
    return value;
  }

  clear(): void {
    this.values.clear();
  }
}
