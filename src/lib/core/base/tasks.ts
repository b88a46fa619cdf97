/**
 * Resolves on a fresh macrotask, so a long loop in a worker lets comlink deliver a cancel
 * message. A MessageChannel round trip, because setTimeout(0) is clamped to ≥ 4 ms when nested.
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
