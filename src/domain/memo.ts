/**
 * A cache for values made from a key again and again (a batch's lines share a few days, quantities, prices and staff
 * fields), emptied when it holds `size` of them, so it never grows with the service's life. Pure.
 */
export function memo<K, V>(make: (key: K) => V, size = 10_000): (key: K) => V {
  const made = new Map<K, V>();
  return (key) => {
    let value = made.get(key);
    if (value === undefined) {
      if (made.size >= size) made.clear();
      made.set(key, (value = make(key)));
    }
    return value;
  };
}
