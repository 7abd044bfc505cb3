#!/usr/bin/env bash
# make fuzz: builds the Fuzz executable with libFuzzer and AddressSanitizer (in .build-fuzz, apart
# from the normal build) and runs each target through it (FUZZ_TARGET) for FUZZ_SECONDS, starting
# from its committed seeds in Fuzz/Corpus/<Target>. New inputs go to .build-fuzz/runs/<Target>/corpus, crashes, leaks and
# timeouts to .build-fuzz/runs/<Target>/artifacts: the tree stays clean. A line when the build
# starts, one line per target, then "N passed, M failed"; exit status 1 if any target failed. When
# standard error is a terminal, a status line (scripts/progress.py) follows libFuzzer's counters
# while a target runs: elapsed, executions, coverage, corpus, executions per second.
#   FUZZ_SECONDS  seconds per target (default 60)
#   FUZZ_TARGETS  the targets to run (default: all)
#   FUZZ_FLAGS    extra libFuzzer options, e.g. -max_len=70000
set -uo pipefail
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
TARGETS=${FUZZ_TARGETS:-ServerSession ClientSession RecordFraming ClientHello HandshakeTrace Greeting}
SCRATCH=.build-fuzz
BUILD_FLAGS=(-c debug --scratch-path "$SCRATCH" -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING)

case $SECONDS_PER_TARGET in
  ''|*[!0-9]*|0) echo "fuzz: FUZZ_SECONDS must be a whole number of seconds above 0, not '$SECONDS_PER_TARGET'" >&2; exit 2 ;;
esac

mkdir -p "$SCRATCH"
for target in $TARGETS; do
  if [ ! -d "Fuzz/Corpus/$target" ]; then
    echo "fuzz: no target $target (the targets have seeds in Fuzz/Corpus/)" >&2
    exit 2
  fi
done
echo "fuzz: building Fuzz with libFuzzer and AddressSanitizer in $SCRATCH"
# The linker's "Cannot export local symbol" warnings about ASan's own symbols are noise.
if ! "$SWIFT" build "${BUILD_FLAGS[@]}" --product Fuzz >"$SCRATCH/build.log" 2>&1; then
  grep -v "Cannot export local symbol" "$SCRATCH/build.log" | tail -30 >&2
  echo "fuzz: building Fuzz failed (log: $SCRATCH/build.log)" >&2
  exit 1
fi
BIN=$("$SWIFT" build "${BUILD_FLAGS[@]}" --show-bin-path)

# On a terminal, libFuzzer's output goes through the status line on its way to the log.
follow=
if [ -t 2 ] && command -v python3 >/dev/null; then follow=yes; fi
count=$(echo $TARGETS | wc -w)
index=0
passed=0
failed=0
for target in $TARGETS; do
  index=$((index + 1))
  run="$SCRATCH/runs/$target"
  mkdir -p "$run/corpus" "$run/artifacts"
  log="$run/fuzz.log"
  start=$(date +%s)
  # The Swift runtime's backtracer would inspect a trapped process and trip ASan itself: off,
  # so that a failed precondition is reported as libFuzzer's "deadly signal" with its input.
  fuzz() {
    FUZZ_TARGET=$target \
    SWIFT_BACKTRACE=enable=no \
    LSAN_OPTIONS=suppressions=$PWD/scripts/lsan-suppressions.txt \
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
      "$BIN/Fuzz" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$run/artifacts/" ${FUZZ_FLAGS:-} \
        "$run/corpus" "Fuzz/Corpus/$target"
  }
  if [ -n "$follow" ]; then
    fuzz 2>&1 </dev/null | python3 scripts/progress.py libfuzzer --log "$log" --label "$target ($index/$count)" \
      --seconds "$SECONDS_PER_TARGET"
    status=${PIPESTATUS[0]}
  else
    fuzz >"$log" 2>&1
    status=$?
  fi
  elapsed=$(( $(date +%s) - start ))
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  coverage=$(grep -E '^#[0-9]+' "$log" | grep -o 'cov: [0-9]* ft: [0-9]*' | tail -1)
  corpus=$(ls "$run/corpus" | wc -l)
  if [ "$status" -eq 0 ]; then
    passed=$((passed + 1))
    echo "$target: passed, ${executions:-?} executions, ${coverage:-no coverage line}, $corpus new inputs kept, ${elapsed} s"
  else
    failed=$((failed + 1))
    artifact=$(grep -o "Test unit written to [^ ]*" "$log" | tail -1 | sed 's/Test unit written to //')
    reason=$(grep -m1 -oE "(Fatal error|Precondition failed|ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)): [^(]*" "$log" | sed 's/ *$//')
    echo "$target: FAILED (exit status $status: ${reason:-see the log}), input ${artifact:-none written}, log $log, ${elapsed} s"
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
