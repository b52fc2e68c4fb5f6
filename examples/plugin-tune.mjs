// Plug in your own model: one training step in plain JS, tuned with glocal hypergradients.
import { hypergradientTrajectory, estimateGlobal } from "glocal-hypergrad";

// Ridge regression y ≈ θ·x by gradient descent; φ = [log learning rate, log weight decay].
// prettier-ignore
const X = [[1, 0.5], [0.2, -1], [-0.7, 0.3], [1.5, 1.1], [-1.2, -0.4], [0.3, 0.9]];
const Y = [1.2, -0.9, -0.1, 2.4, -1.5, 1.0];
// prettier-ignore
const XV = [[0.8, -0.2], [-0.5, 0.6], [1.1, 0.4], [0.1, -0.7]];
const YV = [0.5, 0.2, 1.3, -0.6];
const dot = (a, b) => a.reduce((s, v, i) => s + v * b[i], 0);
// ∇ ½·mean((θ·x − y)²); with y = 0 it is the Hessian times θ.
const grad = (t, x, y) => [0, 1].map((k) => x.reduce((s, xi, i) => s + (dot(t, xi) - y[i]) * xi[k], 0) / x.length);
const zeros = Y.map(() => 0);

const model = {
  names: ["log_lr", "log_wd"],
  initialState: [0, 0], // θ₀
  step(t, phi) {
    const [lr, wd] = [Math.exp(phi[0]), Math.exp(phi[1])];
    const g = grad(t, X, Y);
    return t.map((v, k) => v - lr * (g[k] + wd * v));
  },
  // d(step)/dφ_j along each tangent Ż_j = dθ/dφ_j (optional: see jvp: "finite-difference").
  jvp(t, phi, tangents) {
    const [lr, wd] = [Math.exp(phi[0]), Math.exp(phi[1])];
    const g = grad(t, X, Y);
    return tangents.map((z, j) => {
      const hz = grad(z, X, zeros);
      return z.map((v, k) => v - lr * (hz[k] + wd * v) - (j === 0 ? lr * (g[k] + wd * t[k]) : lr * wd * t[k]));
    });
  },
  valGrad: (t) => grad(t, XV, YV),
  valLoss: (t) => XV.reduce((s, x, i) => s + 0.5 * (dot(t, x) - YV[i]) ** 2, 0) / XV.length,
};

// Each window: 30 steps from where training stands, then a normalised step of φ against the
// estimate of the global hypergradient (h_m where the estimate is not trusted).
let phi = [Math.log(0.05), Math.log(0.5)];
let state;
for (let w = 1; w <= 5; w++) {
  const window = hypergradientTrajectory(model, { phi, steps: 30, state });
  const r = estimateGlobal(window.trajectory);
  const h = r.trusted ? r.estimate : r.diagnostics.truncated;
  const norm = Math.hypot(...h);
  phi = phi.map((v, i) => v - (0.3 * h[i]) / norm);
  state = window.state;
  const [lr, wd] = phi.map(Math.exp);
  console.log(
    `window ${w}: val loss ${window.valLoss.toFixed(5)}  h ${[...h].map((v) => v.toExponential(2)).join(" ")}` +
      `${r.trusted ? "" : " (h_m)"}  →  lr ${lr.toFixed(4)}  wd ${wd.toFixed(4)}`,
  );
}
