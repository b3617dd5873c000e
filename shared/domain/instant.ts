/**
 * What an instant looks like where one is given as text (API queries, sweep events and continuations):
 * RFC 3339, the JSON Schema `date-time` format.
 */

/**
 * A calendar date, `T`, hours and minutes, optional seconds and fraction, then `Z` or an offset. (Checked
 * with isDateTime, which also refuses days the calendar does not have.)
 */
const DATE_TIME =
  /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/**
 * Whether `value` is an RFC 3339 date-time with a time zone, of a day the calendar has.
 *
 * @example
 * isDateTime('2026-12-31T00:00:00+01:00') // true
 * isDateTime('2026-02-30T00:00:00Z')      // false: no 30 February
 * isDateTime('2026-12-31 00:00:00')       // false: no T, no time zone
 */
function isDateTime(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (match === null) return false;
  const [, year, month, day] = match.map(Number) as [number, number, number, number];
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export { DATE_TIME, isDateTime };
