// Concurrency sweeps and their verdicts (serialised, scales, saturates, degrades, inconclusive).
export * from './run';
export * from './verdict';
export * from './report';
export * from './matrix';
