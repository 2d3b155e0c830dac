// Server processes: split a command without a shell, start it on a free loopback port, wait for
// readiness, stop its whole process group; and how many workers a command line runs.
export * from './start';
export * from './words';
export * from './workers';
