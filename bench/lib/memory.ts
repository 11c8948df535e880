// Where a Latchkey process's memory is: RSS from /proc, the V8 heap and
// external memory from its Prometheus metrics (prom-client default metrics).
export async function memoryBreakdown(url: string, rssMb: number): Promise<string> {
  try {
    const res = await fetch(url + '/metrics', { signal: AbortSignal.timeout(5000) });
    const text = await res.text();
    const metric = (name: string) => {
      const m = new RegExp(`^\\w*${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
      return m ? Number(m[1]) / 2 ** 20 : NaN;
    };
    const heapTotal = metric('nodejs_heap_size_total_bytes');
    const heapUsed = metric('nodejs_heap_size_used_bytes');
    const external = metric('nodejs_external_memory_bytes');
    if (Number.isNaN(heapTotal)) return `RSS ${rssMb.toFixed(0)} MB (no heap metrics at /metrics: ${res.status})`;
    const rest = rssMb - heapTotal - external;
    const spaces = [...text.matchAll(/^\w*nodejs_heap_space_size_total_bytes\{space="(\w+)"\} (\S+)$/gm)]
      .map(([, space, bytes]) => [space!.replace(/_space$/, ''), Number(bytes) / 2 ** 20] as const)
      .filter(([, mb]) => mb >= 1)
      .map(([space, mb]) => `${space} ${mb.toFixed(0)}`);
    return `RSS ${rssMb.toFixed(0)} MB = V8 heap ${heapTotal.toFixed(0)} MB (used ${heapUsed.toFixed(0)}; ${spaces.join(', ')}) + external ${external.toFixed(0)} MB + native/code ${rest.toFixed(0)} MB`;
  } catch (err) {
    return `RSS ${rssMb.toFixed(0)} MB (metrics unavailable: ${(err as Error).message})`;
  }
}
