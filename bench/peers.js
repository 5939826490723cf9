'use strict';
// Other npm WebCodecs implementations for Node.js, as optional sides of `npm run bench --peers`.
// Never dependencies of this package: each is installed on demand into bench/out/peers/<dir>
// (a scratch folder, git-ignored) with the ordinary npm client, and left out with the reason
// when it cannot be installed or loaded here. bench/child.js runs the same case code against
// the peer's module (WEBCODECS_BENCH_IMPL), so every side runs the same JavaScript.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const PEERS = [
  { name: 'node-webcodecs', spec: 'node-webcodecs@1.3.0', module: 'node-webcodecs', dir: 'node-webcodecs' },
  { name: '@napi-rs/webcodecs', spec: '@napi-rs/webcodecs@1.4.2', module: '@napi-rs/webcodecs', dir: 'napi-rs' },
];

const root = path.join(__dirname, 'out', 'peers');

// The absolute path child.js should require for the peer, or {error} saying why it is left out.
function ensurePeer(p) {
  const dir = path.join(root, p.dir);
  const load = () => spawnSync(process.execPath, ['-e', `const m = require(${JSON.stringify(p.module)}); if (!m.VideoDecoder) throw new Error('no VideoDecoder export'); console.log(require.resolve(${JSON.stringify(p.module)}))`],
    { cwd: dir, encoding: 'utf8' });
  let r = fs.existsSync(path.join(dir, 'node_modules')) ? load() : null;
  if (!r || r.status !== 0) {
    fs.mkdirSync(dir, { recursive: true });
    if (!fs.existsSync(path.join(dir, 'package.json'))) fs.writeFileSync(path.join(dir, 'package.json'), '{"private": true}\n');
    const inst = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', p.spec], { cwd: dir, encoding: 'utf8', timeout: 600000 });
    if (inst.status !== 0) return { error: `npm install ${p.spec} failed: ${lastLine(inst.stderr)}` };
    r = load();
  }
  if (r.status !== 0) return { error: `${p.module} does not load here: ${lastLine(r.stderr)}` };
  return { path: r.stdout.trim() };
}

function lastLine(s) {
  const lines = String(s || '').split('\n').map((l) => l.trim()).filter((l) => l && !/^at |^\^|^node:|^throw|^npm error A complete log/.test(l));
  return lines.find((l) => /Error|error|ERR/.test(l)) || lines.pop() || 'no output';
}

module.exports = { PEERS, ensurePeer };
