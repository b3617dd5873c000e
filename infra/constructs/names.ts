/**
 * Construct ids from the names in shared/ (`loginEvents` → `LoginEvents`, `stuck` → `Stuck`).
 *
 * @example
 * pascal('loginEvents') // 'LoginEvents'
 */
const pascal = (name: string): string => `${name.charAt(0).toUpperCase()}${name.slice(1)}`;

export { pascal };
