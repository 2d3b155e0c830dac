// What the peer's logger needs of `vscode` outside the editor: an output channel that discards.
const channel = { info() {}, error() {}, warn() {}, debug() {}, trace() {}, dispose() {} };
export const window = { createOutputChannel: () => channel };
