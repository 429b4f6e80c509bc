// A keep-alive HTTP load client in a process of its own, for benchmarks on machines without wrk:
// in the benchmark's process it would share an event loop with the engine and the clock it reads.
// Posts the same body over N connections for S seconds and prints one JSON line with the counts.
//   node test/helpers/http-load.mjs <port> <path> <body file> <seconds> <connections>
import fs from 'node:fs';
import http from 'node:http';

const [port, pathName, bodyFile, seconds, connections] = process.argv.slice(2);
const body = fs.readFileSync(bodyFile);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(connections) });

function post() {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: Number(port),
        path: pathName,
        method: 'POST',
        agent,
        headers: { 'Content-Type': 'application/json', 'Content-Length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

// Connections opened and the client's code compiled before the clock starts.
await Promise.all(Array.from({ length: Number(connections) }, post));
let ok = 0;
let failed = 0;
const started = performance.now();
const end = started + Number(seconds) * 1000;
await Promise.all(
  Array.from({ length: Number(connections) }, async () => {
    while (performance.now() < end) {
      if ((await post()) === 200) ok++;
      else failed++;
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;
agent.destroy();
process.stdout.write(JSON.stringify({ ok, failed, seconds: elapsed }) + '\n');
