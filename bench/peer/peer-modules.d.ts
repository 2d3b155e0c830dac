// The parts of fastapi/fastapi-vscode's src/core (and its `toml` dependency) that
// fastapi-vscode-discover.ts calls; esbuild resolves them from the peer's checkout.
declare module 'PEER_SRC/core/index' {
  export interface PeerFs {
    readFile(uri: string): Promise<Uint8Array>;
    exists(uri: string): Promise<boolean>;
    joinPath(base: string, ...segments: string[]): string;
    dirname(uri: string): string;
  }
  export class Parser {
    init(wasm: { core: Uint8Array; python: Uint8Array }): Promise<void>;
  }
  export type RouterNode = object;
  export type AppDefinition = object;
  export function findProjectRoot(entryUri: string, workspaceRootUri: string, fs: PeerFs): Promise<string>;
  export function buildRouterGraph(
    entryUri: string,
    parser: Parser,
    projectRootUri: string,
    fs: PeerFs,
    targetVariable?: string,
  ): Promise<RouterNode | null>;
  export function routerNodeToAppDefinition(node: RouterNode, workspaceRoot: string): AppDefinition;
  export function collectRoutes(apps: AppDefinition[]): unknown[];
}
declare module 'toml' {
  export function parse(text: string): { tool?: { fastapi?: { entrypoint?: unknown } } } | undefined;
}
