#!/usr/bin/env bash
# Builds the libFuzzer targets and runs each for a fixed time.
#
#   Tests/Fuzz/run.sh [SECONDS_PER_TARGET]     default 60; FUZZ_TARGETS="FuzzOps FuzzControl" to pick
#   Tests/Fuzz/run.sh --seeds                  (re)writes the seed corpus Corpus/<target>/ from the generators
#   Tests/Fuzz/run.sh --replay                 runs every committed input once (no fuzzing)
#
# Each target starts from Corpus/<target>/ (seeds, plus what earlier runs kept: new inputs that
# reach new coverage go to a scratch corpus under .build-fuzz/, not into the repo) and from
# Regressions/<target>/. A crash (a trap, an ASan report, a broken invariant, a timeout or an
# out-of-memory) is written to Crashes/<target>/ and makes the script exit non-zero. Turn each
# into a regression: fix the bug, then move the file to Regressions/<target>/ (the regression
# tests in MeshWireTests, MeshStoreTests and IdeameshdTests replay that folder).
#
# Needs the swift.org toolchain (its clang runtime ships libFuzzer and ASan on Linux) and the
# main package's system libraries (libuv1-dev, libsqlite3-dev, zlib1g-dev, pkg-config).
set -euo pipefail
cd "$(dirname "$0")"

TARGETS=(${FUZZ_TARGETS:-FuzzFrames FuzzHandshake FuzzSync FuzzOps FuzzControl})
SCRATCH=.build-fuzz
mode=run
seconds=60
case "${1:-}" in
    --seeds) mode=seeds ;;
    --replay) mode=replay ;;
    "") ;;
    *[!0-9]*) echo "usage: $0 [SECONDS_PER_TARGET | --seeds | --replay]" >&2; exit 64 ;;
    *) seconds=$1 ;;
esac

echo "== building ${TARGETS[*]} (release, -sanitize=fuzzer,address)"
build_log="$(mktemp)"
if ! swift build -c release --sanitize=fuzzer --sanitize=address --scratch-path "$SCRATCH" > "$build_log" 2>&1; then
    grep -E "error" -A3 "$build_log" | head -40
    echo "error: the fuzz build failed (full log: $build_log)" >&2
    exit 1
fi
rm -f "$build_log"
bin="$(swift build -c release --sanitize=fuzzer --sanitize=address --scratch-path "$SCRATCH" --show-bin-path)"
for target in "${TARGETS[@]}"; do
    [ -x "$bin/$target" ] || { echo "error: $bin/$target was not built" >&2; exit 1; }
done

# The Swift runtime's backtracer gets in the way of ASan's reports.
export SWIFT_BACKTRACE=enable=no

if [ "$mode" = seeds ]; then
    for target in "${TARGETS[@]}"; do
        rm -rf "Corpus/$target"
        IDEAMESH_FUZZ_WRITE_SEEDS="$PWD/Corpus/$target" "$bin/$target"
    done
    exit 0
fi

status=0
for target in "${TARGETS[@]}"; do
    mkdir -p "Corpus/$target" "Regressions/$target" "Crashes/$target" "$SCRATCH/corpus/$target"
    if [ "$mode" = replay ]; then
        echo "== $target: replaying the committed inputs"
        inputs=(Corpus/"$target"/* Regressions/"$target"/*)
        existing=()
        for f in "${inputs[@]}"; do [ -f "$f" ] && existing+=("$f"); done
        "$bin/$target" -runs=1 "${existing[@]}" > "$SCRATCH/$target.log" 2>&1 || { status=1; tail -40 "$SCRATCH/$target.log"; }
        continue
    fi
    echo "== $target: fuzzing for ${seconds}s"
    log="$SCRATCH/$target.log"
    set +e
    # FuzzOps keeps one store (SQLite's caches, GRDB's statements) across inputs by design, which
    # libFuzzer's per-input leak check takes for leaks and scans the heap for: ten times slower.
    extra=()
    [ "$target" = FuzzOps ] && extra=(-detect_leaks=0)
    ASAN_OPTIONS="detect_leaks=$([ "$target" = FuzzOps ] && echo 0 || echo 1)" \
    "$bin/$target" "$SCRATCH/corpus/$target" "Corpus/$target" "Regressions/$target" "${extra[@]}" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
        -artifact_prefix="Crashes/$target/" -print_final_stats=1 > "$log" 2>&1
    code=$?
    set -e
    # libFuzzer's summary: executions, coverage, corpus.
    grep -E "^#[0-9]+.*(DONE|INITED)|stat::number_of_executed_units|stat::peak_rss_mb" "$log" | tail -4 || true
    crashes=$(find "Crashes/$target" -type f | wc -l)
    if [ "$code" -ne 0 ] || [ "$crashes" -gt 0 ]; then
        echo "!! $target: exit $code, $crashes file(s) in Crashes/$target/; the log is $log:"
        grep -E "Fatal error|ERROR: AddressSanitizer|SUMMARY|deadly signal|Test unit written" "$log" | head -10 || true
        status=1
    fi
done
exit $status
