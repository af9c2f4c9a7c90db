const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 13_631_488 → `13 MiB`; one decimal below 10 of a unit. */
export function formatBytes(bytes: number | undefined | null): string {
  if (bytes === undefined || bytes === null) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = value < 10 && unit > 0 && !Number.isInteger(value) ? value.toFixed(1) : String(Math.round(value));
  return `${shown} ${UNITS[unit]}`;
}

/** Nova's RAM is in MiB: 2048 → `2 GiB`, 512 → `512 MiB`. */
export function formatMiB(mib: number): string {
  return formatBytes(mib * 1024 * 1024);
}
