// Placeholder until the load engine lands.
export {};
