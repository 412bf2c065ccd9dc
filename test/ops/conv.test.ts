import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fftConv, tensor, zeros, sum, mul, getBackend, setBackend, ShapeError, DTypeError, type Tensor } from '../../src/index.js';
import { allClose } from '../helpers/close.js';
import { checkGrad, checkGradGrad, rnd } from '../helpers/check.js';
import { checkFixtureCase, loadFixture } from '../helpers/fixtures.js';

const conv = suite('fftConv');

/** Direct O(L·Lk) causal convolution, u [B,H,L] with k [C,H,Lk] → [B,C,H,L]. */
function direct(u: Tensor, k: Tensor): number[] {
  const [B, H, L] = u.shape;
  const [C, , Lk] = k.shape;
  const out: number[] = [];
  for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let t = 0; t < L; t++) {
    let s = 0;
    for (let j = 0; j <= Math.min(t, Lk - 1); j++) s += k.data[(c * H + h) * Lk + j] * u.data[(b * H + h) * L + t - j];
    out.push(s);
  }
  return out;
}

/**
 * SPEC 1.5's bidirectional sum, directly: k [2C, H, Lk] (causal k0 first, then k1) → [B, C, H, L],
 *   y_t = Σ_{j=0}^{min(t, Lk−1)} k0_j u_{t−j} + Σ_{j=0}^{min(Lk−1, L−2−t)} k1_j u_{t+1+j}.
 */
function directBidirectional(u: Tensor, k: Tensor): number[] {
  const [B, H, L] = u.shape;
  const [C2, , Lk] = k.shape;
  const C = C2 / 2;
  const out: number[] = [];
  for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let t = 0; t < L; t++) {
    const uAt = (s: number): number => u.data[(b * H + h) * L + s];
    let s = 0;
    for (let j = 0; j <= Math.min(t, Lk - 1); j++) s += k.data[(c * H + h) * Lk + j] * uAt(t - j);
    for (let j = 0; j <= Math.min(Lk - 1, L - 2 - t); j++) s += k.data[((C + c) * H + h) * Lk + j] * uAt(t + 1 + j);
    out.push(s);
  }
  return out;
}

conv('matches the fftconv.json fixtures (values and both gradients) for L = 1, 7, 64, 1000', () => {
  const file = loadFixture('fftconv');
  for (const c of file.cases) checkFixtureCase(c, ({ u, k }) => ({ y: fftConv(u, k) }), { atol: 1e-11, rtol: 1e-9 });
  assert.is(file.cases.length, 4);
});

conv('equals the direct sum for many L and kernel lengths, float64 and float32', () => {
  for (const [L, Lk] of [[1, 1], [2, 2], [3, 2], [5, 5], [5, 2], [7, 7], [8, 3], [12, 12], [17, 5], [64, 64], [64, 17], [100, 100], [1000, 37], [1024, 1024], [4096, 64]]) {
    const u = rnd([2, 3, L], L);
    const k = rnd([2, 3, Lk], Lk + 1);
    const ref = direct(u, k);
    allClose(fftConv(u, k), ref, { atol: 1e-12 * Math.sqrt(Lk) * 4, rtol: 0 }, `L=${L} Lk=${Lk}`);
    const y32 = fftConv(u.to('float32'), k.to('float32'));
    assert.is(y32.dtype, 'float32');
    allClose(y32, ref, { atol: 1e-5 * Math.sqrt(L * Lk), rtol: 0 }, `float32 L=${L} Lk=${Lk}`);
  }
});

conv('SPEC 1.7 worked example: values and gradients', () => {
  const u = tensor([[[1, 2, 3]]], { dtype: 'float64', requiresGrad: true });
  const k = tensor([[1, 0.5, 0.25]], { dtype: 'float64', requiresGrad: true });
  const y = fftConv(u, k);
  allClose(y, [1, 2.5, 4.25], { atol: 1e-15 });
  y.backward(tensor([[[1, -1, 2]]], { dtype: 'float64' }));
  allClose(u.grad!, [1, 0, 2], { atol: 1e-15 });
  allClose(k.grad!, [5, 3, 2], { atol: 1e-15 });
});

conv('causality: changing the input after t leaves every output before t unchanged', () => {
  const u = rnd([1, 2, 50], 3);
  const k = rnd([2, 50], 4);
  const y = fftConv(u, k);
  const v = u.detach().clone();
  for (let t = 30; t < 50; t++) { v.data[t] += 10; v.data[50 + t] -= 7; }
  const y2 = fftConv(v, k);
  for (let h = 0; h < 2; h++) for (let t = 0; t < 30; t++) assert.ok(Math.abs(y.data[h * 50 + t] - y2.data[h * 50 + t]) < 1e-12, `t=${t}`);
});

conv('bidirectional: the δ-responses of SPEC 1.5', () => {
  const k = tensor([[[1, 2, 3, 4]], [[10, 20, 30, 40]]], { dtype: 'float64' }); // [2C=2, H=1, 4]
  const delta = (t: number): Tensor => { const u = zeros([1, 1, 4], { dtype: 'float64' }); u.data[t] = 1; return u; };
  allClose(fftConv(delta(0), k, { bidirectional: true }), [1, 2, 3, 4], { atol: 1e-14 });
  allClose(fftConv(delta(3), k, { bidirectional: true }), [30, 20, 10, 1], { atol: 1e-14 });
});

conv('bidirectional equals the direct SPEC 1.5 sum for random u and k, Lk < L and Lk = L', () => {
  for (const [L, Lk] of [[1, 1], [2, 1], [6, 3], [9, 4], [16, 5], [16, 16], [33, 7], [100, 41]]) {
    const u = rnd([2, 3, L], 40 + L);
    const k = rnd([4, 3, Lk], 50 + Lk); // C = 2
    allClose(fftConv(u, k, { bidirectional: true }), directBidirectional(u, k), { atol: 1e-13 * Math.sqrt(Lk) * 4, rtol: 0 }, `L=${L} Lk=${Lk}`);
  }
});

conv('gradcheck (channels, broadcast batch, bidirectional) and gradgradcheck', () => {
  checkGradGrad((u, k) => fftConv(u, k), [rnd([2, 3, 7], 5), rnd([3, 7], 6)]);
  checkGradGrad((u, k) => fftConv(u, k), [rnd([2, 2, 9], 7), rnd([3, 2, 4], 8)], {}, 'C = 3, Lk < L');
  checkGradGrad((u, k) => fftConv(u, k), [rnd([2, 2, 8], 13), rnd([2, 8], 14)], {}, 'even L = 8, Lk = L');
  checkGrad((u, k) => fftConv(u, k), [rnd([1, 2, 16], 15), rnd([2, 2, 5], 16)], {}, 'even L = 16, C = 2, Lk = 5');
  checkGrad((u, k) => fftConv(u, k, { bidirectional: true }), [rnd([2, 2, 6], 9), rnd([2, 2, 6], 10)], {}, 'bidirectional');
  checkGrad((u, k) => fftConv(u, k, { bidirectional: true }), [rnd([1, 1, 5], 11), rnd([4, 1, 3], 12)], {}, 'bidirectional C = 2, Lk < L');
  assert.equal(fftConv(rnd([0, 3, 7], 13), rnd([3, 7], 14)).shape, [0, 3, 7], 'an empty batch');
  checkGradGrad((u, k) => fftConv(u, k), [rnd([0, 3, 7], 13), rnd([3, 7], 14)], {}, 'an empty batch');
});

conv('forward + backward: 6 batches of FFTs (spectra of u and k kept, rfft of ȳ shared), gradients unchanged', () => {
  const js = getBackend();
  let calls = 0;
  const counting = {
    name: 'counting', matmul: js.matmul,
    fft: (a: Parameters<typeof js.fft>[0]) => { calls++; js.fft(a); },
    rfft: (a: Parameters<typeof js.rfft>[0]) => { calls++; js.rfft(a); },
    irfft: (a: Parameters<typeof js.irfft>[0]) => { calls++; js.irfft(a); },
  };
  const w = rnd([2, 3, 3, 10], 21).detach();
  // Both, then each one alone, requiring grad: forward 3 batches, rfft(ȳ) 1, one irfft per gradient.
  for (const [uGrad, kGrad, expected] of [[true, true, 6], [false, true, 5], [true, false, 5]] as const) {
    const make = (): [Tensor, Tensor] => {
      const u = rnd([2, 3, 10], 19);
      const k = rnd([3, 3, 6], 20);
      u.requiresGrad = uGrad;
      k.requiresGrad = kGrad;
      return [u, k];
    };
    const [u0, k0] = make(); // reference gradients, from the direct sums of SPEC 1.7
    const [u, k] = make();
    setBackend(counting);
    try {
      calls = 0;
      sum(mul(fftConv(u, k), w)).backward();
      assert.is(calls, expected, `FFT batches with u ${uGrad ? '' : 'not '}and k ${kGrad ? '' : 'not '}requiring grad`);
    } finally {
      setBackend(js);
    }
    // ū_s = Σ_c Σ_t w[b,c,h,t] k[c,h,t−s],  k̄_j = Σ_b Σ_t w[b,c,h,t] u[b,h,t−j]
    const ubar: number[] = [];
    for (let b = 0; b < 2; b++) for (let h = 0; h < 3; h++) for (let s = 0; s < 10; s++) {
      let acc = 0;
      for (let c = 0; c < 3; c++) for (let t = s; t < Math.min(10, s + 6); t++) acc += w.data[((b * 3 + c) * 3 + h) * 10 + t] * k0.data[(c * 3 + h) * 6 + t - s];
      ubar.push(acc);
    }
    const kbar: number[] = [];
    for (let c = 0; c < 3; c++) for (let h = 0; h < 3; h++) for (let j = 0; j < 6; j++) {
      let acc = 0;
      for (let b = 0; b < 2; b++) for (let t = j; t < 10; t++) acc += w.data[((b * 3 + c) * 3 + h) * 10 + t] * u0.data[(b * 3 + h) * 10 + t - j];
      kbar.push(acc);
    }
    if (uGrad) allClose(u.grad!, ubar, { atol: 1e-13 }, 'ū'); else assert.is(u.grad, null);
    if (kGrad) allClose(k.grad!, kbar, { atol: 1e-13 }, 'k̄'); else assert.is(k.grad, null);
  }
});

conv('bad input: ranks, channel mismatch, kernel longer than the input, dtypes, odd bidirectional channels', () => {
  const u = rnd([2, 3, 8], 1);
  assert.throws(() => fftConv(rnd([3, 8], 1), rnd([3, 8], 2)), (e: Error) => e instanceof ShapeError && /u must be \[B, H, L\], got \[3,8\]/.test(e.message));
  assert.throws(() => fftConv(u, rnd([4, 8], 2)), /k has 4 channels but u has H = 3/);
  assert.throws(() => fftConv(u, rnd([3, 9], 2)), /kernel length 9 exceeds the input length 8/);
  assert.throws(() => fftConv(u, rnd([3, 8], 2).to('float32')), (e: Error) => e instanceof DTypeError);
  assert.throws(() => fftConv(u, rnd([3, 3, 8], 2), { bidirectional: true }), /bidirectional kernel must be \[2C, H, Lk\]/);
});

conv.run();
