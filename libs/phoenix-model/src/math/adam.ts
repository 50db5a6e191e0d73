const { sqrt, pow } = Math;

/** Adam hyper-parameters. */
export interface AdamOptions {
  readonly lr: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
}

/**
 * Adam over a set of parameter tensors updated in place from gradient tensors of the same shapes.
 * Deterministic: plain sequential float arithmetic, no randomness.
 */
export class Adam {
  private readonly _m: Float64Array[];
  private readonly _v: Float64Array[];
  private _t = 0;
  private readonly _b1: number;
  private readonly _b2: number;
  private readonly _eps: number;

  constructor(
    private readonly _params: readonly Float32Array[],
    private readonly _opts: AdamOptions,
  ) {
    this._m = _params.map((p) => new Float64Array(p.length));
    this._v = _params.map((p) => new Float64Array(p.length));
    this._b1 = _opts.beta1 ?? 0.9;
    this._b2 = _opts.beta2 ?? 0.999;
    this._eps = _opts.eps ?? 1e-8;
  }

  /** Applies one step with `grads[i]` for `params[i]`, then leaves the gradients untouched. */
  step(grads: readonly Float64Array[]): void {
    this._t += 1;
    const b1 = this._b1;
    const b2 = this._b2;
    const c1 = 1 - pow(b1, this._t);
    const c2 = 1 - pow(b2, this._t);
    const lr = this._opts.lr;
    for (let k = 0; k < this._params.length; k++) {
      const p = this._params[k]!;
      const g = grads[k]!;
      const m = this._m[k]!;
      const v = this._v[k]!;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i]!;
        if (gi === 0 && m[i] === 0) {
          continue; // untouched row (e.g. an author not in this batch) that never moved: skip
        }
        const mi = b1 * m[i]! + (1 - b1) * gi;
        const vi = b2 * v[i]! + (1 - b2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] = p[i]! - (lr * (mi / c1)) / (sqrt(vi / c2) + this._eps);
      }
    }
  }
}
