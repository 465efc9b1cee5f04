/**
 * Types for `mingo/util`, which mingo publishes through package exports; moduleResolution "node"
 * does not read those, while Node (and tsx) load the module from them.
 */
declare module 'mingo/util' {
  export { compare, isEqual, resolve } from 'mingo/types/util';
}
