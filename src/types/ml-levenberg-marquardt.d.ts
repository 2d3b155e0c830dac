// ml-levenberg-marquardt 5 is ESM-only and publishes its types behind "exports", which this
// project's moduleResolution ("node", for the CommonJS build) does not read; esbuild and tsx
// load the package itself fine. The part of its API the sweep uses, as its lib/types.d.ts has it.
declare module 'ml-levenberg-marquardt' {
  export interface LevenbergMarquardtOptions {
    initialValues: ArrayLike<number>;
    weights?: number | ArrayLike<number>;
    damping?: number;
    gradientDifference?: number | ArrayLike<number>;
    centralDifference?: boolean;
    minValues?: ArrayLike<number>;
    maxValues?: ArrayLike<number>;
    maxIterations?: number;
    errorTolerance?: number;
    timeout?: number;
  }
  export interface LevenbergMarquardtReturn {
    parameterValues: number[];
    parameterError: number;
    iterations: number;
  }
  export function levenbergMarquardt(
    data: { x: ArrayLike<number>; y: ArrayLike<number> },
    parameterizedFunction: (params: number[]) => (x: number) => number,
    options: LevenbergMarquardtOptions,
  ): LevenbergMarquardtReturn;
}
