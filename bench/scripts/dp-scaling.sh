#!/usr/bin/env bash
# Data-parallel scaling on one machine (issue 16, item 4): `quadra train` on the Fashion-MNIST net
# ([2,2,6,2], C=24, 2×2 stem, global batch 128) as 1 process × 1 thread, 1 process × 2 threads and
# 2 processes × 1 thread (--nproc 2, Gloo over loopback). Prints training images/s (steps after the
# first 5), the speed-up against 1 × 1, and for 2 processes the reduction's time per step: the
# communication the backward did not hide (wait), the bucket copies (pack + unpack) and the
# loss/accuracy sum (stats).
# Usage: bash bench/scripts/dp-scaling.sh [steps] [bucket MB]   (repository root, machine quiet)
set -euo pipefail
steps=${1:-60}
bucket=${2:-1}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
summarise='let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
  const ev=s.split("\n").filter(l=>l.startsWith("{\"event\":\"step\"")).map(l=>JSON.parse(l)).slice(5);
  if(ev.length<2){console.error("too few steps");process.exit(1);}
  // images/s between the 6th and the last step, from the cumulative rate each event carries
  const a=ev[0],b=ev[ev.length-1],n=128;
  const ta=a.stepInEpoch*n/a.imagesPerSecond,tb=b.stepInEpoch*n/b.imagesPerSecond;
  const ips=(b.stepInEpoch-a.stepInEpoch)*n/(tb-ta);
  const c=ev.filter(e=>e.comm).map(e=>e.comm);
  const avg=k=>c.reduce((x,y)=>x+y[k],0)/Math.max(1,c.length);
  console.log(JSON.stringify({ips,stepMs:1000*n/ips,wait:avg("waitMs"),pack:avg("packMs"),unpack:avg("unpackMs"),stats:avg("statsMs"),mb:c.length?c[0].bytes/1048576:0}));
});'
run() { # nproc threads
  node packages/quadra-cli/dist/cli.js train --model quadranet25_xxs --depths 2,2,6,2 --width 24 --stem patch2 --drop-path 0 \
    --limit $((steps * 128)) --epochs 1 --json --nproc "$1" --threads "$2" --bucket-mb "$bucket" --out "$out/r$1x$2" | node -e "$summarise"
}
base=""
for cfg in "1 1" "1 2" "2 1"; do
  set -- $cfg
  r=$(run "$1" "$2")
  [ -z "$base" ] && base=$r
  node -e '
    const r=JSON.parse(process.argv[1]),b=JSON.parse(process.argv[2]);
    let line=`${process.argv[3]} process(es) x ${process.argv[4]} thread(s): ${r.ips.toFixed(1)} img/s, ${r.stepMs.toFixed(1)} ms/step, ${(r.ips/b.ips).toFixed(2)}x 1x1`;
    if(r.mb) line+=` | reduction per step: wait ${r.wait.toFixed(2)} ms, pack ${r.pack.toFixed(2)} + unpack ${r.unpack.toFixed(2)} ms, stats ${r.stats.toFixed(2)} ms, ${r.mb.toFixed(2)} MB per rank`;
    console.log(line);' "$r" "$base" "$1" "$2"
done
