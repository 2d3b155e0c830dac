// esbuild loads .css as text (scripts/build.mjs), so a stylesheet import is its source string.
declare module '*.css' {
  const text: string;
  export default text;
}
