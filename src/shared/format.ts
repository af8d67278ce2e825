// Number formatting shared by every layer. This module imports nothing.

/** 550098 → "550,098". Not toLocaleString: its first call loads ICU data (~25 ms). */
export function fmtInt(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
