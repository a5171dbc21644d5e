#!/usr/bin/env bash
# Two trainings sharing this machine's cores (issue 15, item 4): the Fashion-MNIST net's training
# step (bench train-speed, ours only) run alone and then two at once, under each OpenMP wait
# policy: the loader's default (passive), the spin count used before issue 13 (20000), libgomp's
# own default spin (300000) and QUADRA_NUM_THREADS=1 per process. Prints images/s of every process
# and the slowdown of the pair against one process alone with the same setting.
# Usage: bash bench/scripts/two-trainings.sh [steps]   (run from the repository root, machine quiet)
set -euo pipefail
export steps=${1:-10}
run() { node bench/dist/main.js train-speed --peers none --steps "$steps" --warmup 2 --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s.trim().split("\n").pop());console.log(r.ours.images_per_s.toFixed(1)+" "+r.ours.cpu_utilisation.toFixed(2))})'; }
for setting in "OMP_WAIT_POLICY=passive" "GOMP_SPINCOUNT=20000" "GOMP_SPINCOUNT=300000" "QUADRA_NUM_THREADS=1"; do
  alone=$(env "$setting" bash -c "$(declare -f run); run")
  env "$setting" bash -c "$(declare -f run); run" > /tmp/two-a.$$ &
  a=$!
  env "$setting" bash -c "$(declare -f run); run" > /tmp/two-b.$$ &
  b=$!
  wait $a $b
  read -r ia ua < /tmp/two-a.$$; read -r ib ub < /tmp/two-b.$$
  read -r i1 u1 <<< "$alone"
  awk -v s="$setting" -v i1="$i1" -v u1="$u1" -v ia="$ia" -v ib="$ib" -v ua="$ua" -v ub="$ub" 'BEGIN {
    printf "%-24s alone %7.1f img/s (cpu %s) | two at once %7.1f + %7.1f img/s (cpu %s, %s) | each %.2fx slower, together %.2fx the one\n",
      s, i1, u1, ia, ib, ua, ub, (2 * i1) / (ia + ib), (ia + ib) / i1 }'
done
rm -f /tmp/two-a.$$ /tmp/two-b.$$
