// Answers that must not tell by their timing whether an account exists
// (registration, verification and reset requests: DESIGN §6 "no user
// enumeration"): the work runs, then the answer waits until a fixed floor has
// passed since the request began. The floor sits well above the slowest real
// path, so both paths end at the same moment; errors wait too.
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function uniformTime<T>(floorMs: number, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    const rest = floorMs - (performance.now() - started);
    if (rest > 0) await sleep(rest);
  }
}
