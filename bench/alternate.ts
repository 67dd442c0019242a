/**
 * Two timed things measured in alternation, the order swapping every round (`a` first on even
 * rounds), so neither always runs second on a warm connection and load on the machine falls on both
 * alike. The first `warmup` rounds are run and dropped.
 * @example
 * const [viaLoom, direct] = await alternate({ runs: 300, warmup: 30 }, timeLoom, timeDirect);
 */
export async function alternate(
  o: { runs: number; warmup: number },
  a: () => Promise<number>,
  b: () => Promise<number>,
): Promise<[a: number[], b: number[]]> {
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < o.warmup + o.runs; i++) {
    const aFirst = i % 2 === 0;
    const first = aFirst ? await a() : await b();
    const second = aFirst ? await b() : await a();
    if (i < o.warmup) continue;
    as.push(aFirst ? first : second);
    bs.push(aFirst ? second : first);
  }
  return [as, bs];
}
