/** This machine's processes, read from Linux's /proc, to prove a stopped stack left nothing behind. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Processes whose command line holds `text` (empty where there is no /proc). */
function processesWith(text: string): number[] {
  if (!existsSync('/proc')) return [];
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

export { processesWith };
