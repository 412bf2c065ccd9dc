// The Cauchy kernel of S4 (SPEC 4.6 step 3; S4 paper §3.3), one differentiable primitive.
//
//   r_m = Σ_n [ v_n / (z_m − w_n)^p  +  v̄_n / (z_m − w̄_n)^p ],     p = 1 in the forward kernel,
// values v, poles w ([..., N, 2]), points z ([..., M, 2]) → r [..., M, 2], with each stored mode
// and its implicit conjugate. S4 calls it with v = Δ·a·b, w = ΔΛ and z the bilinear-warped roots
// of unity (the "Cauchy dot product" r_{a,b}(z)). Leading dims broadcast. The loop accumulates
// one output at a time, so memory is O(N + M) per row: the [M, N] matrix of 1/(z − w) is never
// formed. Rows that share their poles and points (the four products of the DPLR kernel) share
// each reciprocal.
//
// Backward (grad x = ∂ℓ/∂Re x + i·∂ℓ/∂Im x, SPEC 0; g = grad r). For a holomorphic y = f(x),
// dℓ = Re(ḡ·f'(x)·dx), so grad x = conj(f'(x))·g; for an anti-holomorphic y = h(x̄),
// dℓ = Re(ḡ·h'·dx̄) = Re(g·conj(h')·dx), so grad x = conj(g)·h'. Term by term:
//   v:  ∂/∂v of v/(z − w)^p is (z − w)^{−p};  v̄/(z − w̄)^p is anti-holomorphic in v with h' = (z − w̄)^{−p}
//       grad v_n = Σ_m [ g_m (z̄_m − w̄_n)^{−p} + ḡ_m (z_m − w̄_n)^{−p} ]
//                = (−1)^p · Σ_m [ g_m/(w̄_n − z̄_m)^p + ḡ_m/(w̄_n − z_m)^p ]  = (−1)^p · cauchy_p(g, z̄, w̄)_n
//   w:  ∂/∂w of v/(z − w)^p is p·v/(z − w)^{p+1} (and its anti-holomorphic twin), so
//       grad w_n = p·v̄_n Σ_m [ g_m (z̄_m − w̄_n)^{−p−1} + ḡ_m (z_m − w̄_n)^{−p−1} ]
//                = p·(−1)^{p+1} · v̄_n ⊙ cauchy_{p+1}(g, z̄, w̄)_n
//   z:  r is holomorphic in z_m with r'(z_m) = −p·cauchy_{p+1}(v, w, z)_m, so
//       grad z_m = −p · g_m ⊙ conj(cauchy_{p+1}(v, w, z)_m)
// The backward of a Cauchy sum is a Cauchy sum with the roles of poles and points swapped (and
// one order higher for the poles), so it is O(N + M) in memory too, and, being this same
// recorded op, differentiable again (gradients of gradients).

import { record } from '../../autograd/graph.js';
import { allocate } from '../../tensor/dtype.js';
import { ShapeError, fmt } from '../../tensor/errors.js';
import { broadcastShapes, broadcastStrides, sizeOf, stridesOf } from '../../tensor/shape.js';
import { Tensor, checkSameDType } from '../../tensor/tensor.js';
import { add, cdiv, cmul, conj, mul, sub, sum, sumTo, unsqueeze } from '../../ops/index.js';

function checkComplex(what: string, x: Tensor): void {
  if (x.ndim < 2 || x.shape[x.ndim - 1] !== 2) throw new ShapeError(`cauchy: ${what} must be complex [..., n, 2], got ${fmt(x.shape)}`);
}

/** Offset (in rows) of each row of the broadcast leading shape `lead` inside an operand of leading shape `own`. */
function rowMap(own: readonly number[], lead: readonly number[]): Int32Array {
  const strides = broadcastStrides(own, lead);
  const leadStrides = stridesOf(lead);
  const map = new Int32Array(sizeOf(lead));
  for (let r = 0; r < map.length; r++) {
    let rest = r;
    let off = 0;
    for (let d = 0; d < lead.length; d++) {
      const i = Math.floor(rest / leadStrides[d]);
      rest -= i * leadStrides[d];
      off += i * strides[d];
    }
    map[r] = off;
  }
  return map;
}

/**
 * r_m = Σ_n v_n/(z_m − w_n)^p + conj(v_n)/(z_m − conj(w_n))^p for values v and poles w
 * [..., N, 2] and points z [..., M, 2] (leading dims broadcast; p = `order`, a positive
 * integer) → [..., M, 2]. Differentiable in v, w and z; accumulated in float64.
 */
export function cauchy(v: Tensor, w: Tensor, z: Tensor, order = 1): Tensor {
  checkComplex('v', v);
  checkComplex('w', w);
  checkComplex('z', z);
  checkSameDType('cauchy', v, w);
  checkSameDType('cauchy', v, z);
  if (!Number.isInteger(order) || order < 1) throw new RangeError(`cauchy: order must be a positive integer, got ${order}`);
  const N = v.shape[v.ndim - 2];
  const M = z.shape[z.ndim - 2];
  if (w.shape[w.ndim - 2] !== N) throw new ShapeError(`cauchy: v ${fmt(v.shape)} and w ${fmt(w.shape)} must have the same number of modes`);
  const [lv, lw, lz] = [v.shape.slice(0, -2), w.shape.slice(0, -2), z.shape.slice(0, -2)];
  const lead = broadcastShapes('cauchy', broadcastShapes('cauchy', lv, lw), lz);
  const [vRow, wRow, zRow] = [rowMap(lv, lead), rowMap(lw, lead), rowMap(lz, lead)];
  const out = new Tensor(allocate(v.dtype, sizeOf(lead) * M * 2), [...lead, M, 2]);

  // Rows with the same poles and points form a group that shares every reciprocal.
  const groups = new Map<number, number[]>();
  for (let r = 0; r < vRow.length; r++) {
    const key = wRow[r] * sizeOf(lz) + zRow[r];
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [r]);
    else g.push(r);
  }
  const V = v.data, W = w.data, Z = z.data, O = out.data;
  let acc = new Float64Array(0);
  for (const rows of groups.values()) {
    const G = rows.length;
    if (acc.length < 2 * G) acc = new Float64Array(2 * G);
    const wo = wRow[rows[0]] * 2 * N;
    const zo = zRow[rows[0]] * 2 * M;
    const vo = rows.map((r) => vRow[r] * 2 * N);
    for (let m = 0; m < M; m++) {
      const zr = Z[zo + 2 * m], zi = Z[zo + 2 * m + 1];
      acc.fill(0, 0, 2 * G);
      for (let n = 0; n < N; n++) {
        const wr = W[wo + 2 * n], wi = W[wo + 2 * n + 1];
        // q1 = (z − w)^{−p}, q2 = (z − w̄)^{−p}
        const ar = zr - wr, ai = zi - wi, br = zr - wr, bi = zi + wi;
        const da = ar * ar + ai * ai, db = br * br + bi * bi;
        const u1r = ar / da, u1i = -ai / da, u2r = br / db, u2i = -bi / db;
        let q1r = u1r, q1i = u1i, q2r = u2r, q2i = u2i;
        for (let k = 1; k < order; k++) {
          const t1 = q1r * u1r - q1i * u1i;
          q1i = q1r * u1i + q1i * u1r;
          q1r = t1;
          const t2 = q2r * u2r - q2i * u2i;
          q2i = q2r * u2i + q2i * u2r;
          q2r = t2;
        }
        // v·q1 + v̄·q2 = vr(q1 + q2) + i·vi(q1 − q2)
        const sr = q1r + q2r, si = q1i + q2i, dr = q1r - q2r, di = q1i - q2i;
        for (let g = 0; g < G; g++) {
          const vr = V[vo[g] + 2 * n], vi = V[vo[g] + 2 * n + 1];
          acc[2 * g] += vr * sr - vi * di;
          acc[2 * g + 1] += vr * si + vi * dr;
        }
      }
      for (let g = 0; g < G; g++) {
        O[(rows[g] * M + m) * 2] = acc[2 * g];
        O[(rows[g] * M + m) * 2 + 1] = acc[2 * g + 1];
      }
    }
  }

  const sign = order % 2 === 0 ? 1 : -1; // (−1)^p
  return record(out, 'cauchy', [v, w, z], (g, needs) => [
    needs[0] ? sumTo(mul(cauchy(g, conj(z), conj(w), order), sign), v.shape) : null,
    needs[1] ? sumTo(mul(cmul(conj(v), cauchy(g, conj(z), conj(w), order + 1)), -sign * order), w.shape) : null,
    needs[2] ? sumTo(mul(cmul(g, conj(cauchy(v, w, z, order + 1))), -order), z.shape) : null,
  ]);
}

/**
 * The same sum composed from complex ops (cdiv, conj, sum): the slow truth. It materialises
 * the [..., M, N] matrix of terms, so keep it to tests and small sizes.
 */
export function cauchyNaive(v: Tensor, w: Tensor, z: Tensor, order = 1): Tensor {
  const zc = unsqueeze(z, -2); // [..., M, 1, 2]
  const wc = unsqueeze(w, -3); // [..., 1, N, 2]
  let t1 = unsqueeze(v, -3); // [..., 1, N, 2]
  let t2 = conj(t1);
  for (let k = 0; k < order; k++) {
    t1 = cdiv(t1, sub(zc, wc)); // [..., M, N, 2]
    t2 = cdiv(t2, sub(zc, conj(wc)));
  }
  return sum(add(t1, t2), -2); // [..., M, 2]
}
