// kafkajs (no longer maintained) schedules its request-queue check with `setTimeout(fn,
// throttledUntil - Date.now())` while throttledUntil is still -1: Node 24 then prints a
// TimeoutNegativeWarning (and uses 1 ms, which is what kafkajs meant) on every Kafka app start.
// Drop exactly that warning; every other warning still reaches Node's own printer.
let installed = false;

export function silenceKafkajsTimeoutWarning(): void {
  if (installed) return;
  installed = true;
  const printers = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name === 'TimeoutNegativeWarning') return;
    for (const print of printers) print(warning);
  });
}
