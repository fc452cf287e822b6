// ONNX Runtime side of the whole-model benchmark (node 20, onnxruntime-node
// from bench/node_modules), always on ONE thread:
// intraOpNumThreads 1, interOpNumThreads 1, executionMode 'sequential',
// graphOptimizationLevel 'all' (QDQ graphs are fused into integer kernels).
//
//   node models.js bench MODEL ROUNDS MIN_MS     -> one JSON line on stdout
//   node models.js calibrate MODEL SAMPLES OUT.json
//   node models.js run MODEL IN.f32 OUT.f32      (raw float32, batch of rows)
//   node models.js ops MODEL                     -> op types after ORT's fusion
//
// bench: the input is random normal data of the model's input shape; after a
// warm-up, the number of session.run calls per batch is chosen so a batch
// lasts >= MIN_MS; ROUNDS batches are timed with process.hrtime.bigint();
// the result is the median (and best) time per call = per sample (batch 1).
// calibrate: min/max of every output of a calibration model (make_models.py
// adds every activation as an output) over SAMPLES random inputs.
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require(path.join(__dirname, '..', 'node_modules', 'onnxruntime-node'));

const OPTIONS = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
};

// Deterministic normal random numbers (mulberry32 + Box-Muller).
function rng(seed) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => {
    const u = Math.max(uniform(), 1e-12), v = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

async function open(model) {
  const session = await ort.InferenceSession.create(model, OPTIONS);
  return session;
}

function inputShape(session) {
  // onnxruntime-node >= 1.20 exposes inputMetadata with the shape.
  const meta = session.inputMetadata && session.inputMetadata[0];
  if (meta && meta.shape) return meta.shape.map((d) => (typeof d === 'number' ? d : 1));
  throw new Error('cannot read the input shape');
}

function randomInput(shape, seed) {
  const n = shape.reduce((a, b) => a * b, 1);
  const r = rng(seed);
  const data = new Float32Array(n);
  for (let i = 0; i < n; ++i) data[i] = r();
  return new ort.Tensor('float32', data, shape);
}

async function bench(model, rounds, minMs) {
  const session = await open(model);
  const shape = inputShape(session);
  const feeds = { [session.inputNames[0]]: randomInput(shape, 1) };
  const run = () => session.run(feeds);
  for (let i = 0; i < 10; ++i) await run();
  let batch = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; ++i) await run();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms >= minMs) break;
    batch = Math.max(batch * 2, Math.ceil((batch * minMs * 1.1) / Math.max(ms, 1e-3)));
  }
  const samples = [];
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  for (let r = 0; r < rounds; ++r) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; ++i) await run();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e9 / batch);
  }
  const wall = Number(process.hrtime.bigint() - wall0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  process.stdout.write(JSON.stringify({
    model: path.basename(model), input_shape: shape, batch, rounds,
    median_s: median, best_s: sorted[0], samples_s: samples,
    cpu_per_wall: (cpu.user + cpu.system) / 1000 / wall,
    ort_version: ort.env.versions ? ort.env.versions.node : undefined,
  }) + '\n');
}

async function calibrate(model, samples, out) {
  const session = await open(model);
  const shape = inputShape(session);
  const ranges = {};
  for (let s = 0; s < samples; ++s) {
    const x = randomInput(shape, 100 + s);
    const name = session.inputNames[0];
    const res = await session.run({ [name]: x });
    const record = (k, data) => {
      let lo = Infinity, hi = -Infinity;
      for (const v of data) { if (v < lo) lo = v; if (v > hi) hi = v; }
      const r = ranges[k];
      ranges[k] = r ? [Math.min(r[0], lo), Math.max(r[1], hi)] : [lo, hi];
    };
    record(name, x.data);
    for (const [k, t] of Object.entries(res)) if (t.type === 'float32') record(k, t.data);
  }
  fs.writeFileSync(out, JSON.stringify(ranges));
}

async function runFile(model, inFile, outFile) {
  const session = await open(model);
  const shape = inputShape(session);
  const row = shape.reduce((a, b) => a * b, 1);
  const buf = fs.readFileSync(inFile);
  const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const chunks = [];
  for (let i = 0; i + row <= all.length; i += row) {
    const x = new ort.Tensor('float32', all.slice(i, i + row), shape);
    const res = await session.run({ [session.inputNames[0]]: x });
    chunks.push(Buffer.from(res[session.outputNames[0]].data.buffer.slice(0)));
  }
  fs.writeFileSync(outFile, Buffer.concat(chunks));
}

// Which kernels ORT really runs: the op types of the optimized graph.
async function ops(model) {
  const os = require('os');
  const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-ort-')), 'opt.onnx');
  await ort.InferenceSession.create(model, { ...OPTIONS, optimizedModelFilePath: tmp, logSeverityLevel: 3 });
  const py = require('child_process').execFileSync('/usr/bin/python3', ['-c',
    'import collections, json, onnx, sys; m = onnx.load(sys.argv[1]); ' +
    'print(json.dumps(collections.Counter((n.domain + "." if n.domain else "") + n.op_type for n in m.graph.node)))',
    tmp]);
  fs.rmSync(path.dirname(tmp), { recursive: true });
  process.stdout.write(py.toString());
}

async function main() {
  const [mode, ...a] = process.argv.slice(2);
  if (mode === 'bench') await bench(a[0], Number(a[1]), Number(a[2]));
  else if (mode === 'calibrate') await calibrate(a[0], Number(a[1]), a[2]);
  else if (mode === 'run') await runFile(a[0], a[1], a[2]);
  else if (mode === 'ops') await ops(a[0]);
  else throw new Error('usage: models.js bench|calibrate|run ...');
}

main().catch((e) => { console.error('models.js:', e.message || e); process.exit(1); });
