/**
 * A plug-in model: inner training written in plain TypeScript, differentiated by glocal's
 * forward-mode engine without any of its WebAssembly kernels.
 *
 * The model is a tiny linear regression y ≈ w₁x₁ + w₂x₂ + b trained by heavy-ball
 * momentum (μ = 0.5 fixed) on the mean squared error, with two hyperparameters:
 * φ = [log learning rate, log weight decay]. The state is s = (θ, v): θ = (w₁, w₂, b)
 * followed by the velocity v.
 *
 * Run it (after `npm run build:wasm`, which generates the embedded binaries):
 *   npx esbuild examples/plugin-model.ts --bundle --platform=node --outfile=build/plugin-model.cjs
 *   node build/plugin-model.cjs
 */
import { hypergradientTrajectory } from "../src/index";
import type { PluginModel } from "../src/index";

const MU = 0.5;
// Training and validation data: x rows and targets.
const X = [
  [1, 0.5],
  [0.2, -1],
  [-0.7, 0.3],
  [1.5, 1.1],
  [-1.2, -0.4],
  [0.3, 0.9],
];
const Y = [1.2, -0.9, -0.1, 2.4, -1.5, 1.0];
const XV = [
  [0.8, -0.2],
  [-0.5, 0.6],
  [1.1, 0.4],
];
const YV = [0.5, 0.2, 1.3];

/** ∇ of ½·mean((wᵀx + b − y)²) at θ = (w₁, w₂, b). */
function mseGrad(theta: ArrayLike<number>, x: number[][], y: number[]): number[] {
  const g = [0, 0, 0];
  for (let i = 0; i < x.length; i++) {
    const r = theta[0] * x[i][0] + theta[1] * x[i][1] + theta[2] - y[i];
    g[0] += (r * x[i][0]) / x.length;
    g[1] += (r * x[i][1]) / x.length;
    g[2] += r / x.length;
  }
  return g;
}

/** The MSE is quadratic, so the tangent of its gradient along θ̇ is the gradient of the
 *  residuals' tangent: (1/n) Σ x̃_i x̃_iᵀ θ̇ with x̃ = (x, 1), i.e. mseGrad at zero targets. */
function hessianTimes(thetaDot: ArrayLike<number>): number[] {
  return mseGrad(
    thetaDot,
    X,
    Y.map(() => 0),
  );
}

export const momentumRegression: PluginModel = {
  names: ["log_lr", "log_wd"],
  initialState: [0, 0, 0, 0, 0, 0], // θ = 0, v = 0
  thetaSize: 3,

  step(s, phi) {
    const lr = Math.exp(phi[0]),
      wd = Math.exp(phi[1]);
    const g = mseGrad(s, X, Y);
    const next = new Float64Array(6);
    for (let i = 0; i < 3; i++) {
      const v = MU * s[3 + i] + g[i] + wd * s[i];
      next[3 + i] = v;
      next[i] = s[i] - lr * v;
    }
    return next;
  },

  // Ż' = (∂Θ/∂s) Ż + ∂Θ/∂φ_j for each hyperparameter j (dα/dφ = α, dλ/dφ = λ).
  jvp(s, phi, tangents) {
    const lr = Math.exp(phi[0]),
      wd = Math.exp(phi[1]);
    const g = mseGrad(s, X, Y);
    return tangents.map((t, j) => {
      const hv = hessianTimes(t);
      const out = new Float64Array(6);
      for (let i = 0; i < 3; i++) {
        const v = MU * s[3 + i] + g[i] + wd * s[i];
        const vDot = MU * t[3 + i] + hv[i] + wd * t[i] + (j === 1 ? wd * s[i] : 0);
        out[3 + i] = vDot;
        out[i] = t[i] - lr * vDot - (j === 0 ? lr * v : 0);
      }
      return out;
    });
  },

  valGrad: (theta) => mseGrad(theta, XV, YV),

  valLoss(theta) {
    let l = 0;
    for (let i = 0; i < XV.length; i++) l += 0.5 * (theta[0] * XV[i][0] + theta[1] * XV[i][1] + theta[2] - YV[i]) ** 2;
    return l / XV.length;
  },
};

/** Hypergradient trajectories with the exact JVP and with finite differences. */
export function main(log: (s: string) => void = console.log) {
  const phi = [Math.log(0.2), Math.log(0.01)];
  const exact = hypergradientTrajectory(momentumRegression, { phi, steps: 40, stride: 10 });
  // Without a jvp, glocal differentiates `step` by central differences, and says so.
  const { jvp: _unused, ...withoutJvp } = momentumRegression;
  const approx = hypergradientTrajectory(withoutJvp, { phi, steps: 40, stride: 10, jvp: "finite-difference" });
  log(`hyperparameters: ${exact.names.join(", ")}`);
  for (let i = 0; i < exact.trajectory.rows; i++) {
    const row = (r: typeof exact) =>
      Array.from(r.trajectory.data.subarray(i * 2, i * 2 + 2), (v) => v.toExponential(6)).join("  ");
    log(`after ${(i + 1) * 10} steps: exact ${row(exact)} | finite differences ${row(approx)}`);
  }
  log(`validation loss ${exact.valLoss?.toFixed(6)}; the second run is approximate: ${approx.approximate}`);
  return { exact, approx };
}

if (typeof require !== "undefined" && require.main === module) main();
