#!/usr/bin/env bash
# Builds and installs pgstate on Debian/Ubuntu. Safe to run again: it installs only missing
# packages, rebuilds incrementally and overwrites the installed files with the same ones.
#
#   ./install.sh [--prefix DIR]     install the binaries, hooks and templates (default /usr/local)
#   ./install.sh --tour             install, then run the five-minute tour in a scratch directory
#   ./install.sh --test             install build and test dependencies, build, run every test
#                                   (plain and AddressSanitizer+UBSan builds, and the fuzzer)
set -euo pipefail

prefix=/usr/local
mode=install
fuzz_seconds=${PGSTATE_FUZZ_SECONDS:-60}
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --tour) mode=tour; shift ;;
    --test) mode=test; shift ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown argument '$1' (see --help)" >&2; exit 129 ;;
  esac
done

src=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
jobs=$(nproc 2>/dev/null || echo 2)

say() { printf 'install.sh: %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# Packages to build and run pgstate; --test adds what the tests need.
# postgresql-server-dev-15 gives the parse nodes' C layout (lib/sql/raw_tree.cc) and python3
# generates their copy functions from libpg_query's proto.
packages=(g++ cmake ninja-build pkg-config git ca-certificates python3
          libgit2-dev libpqxx-dev libpg-query-dev libprotobuf-c-dev libcli11-dev nlohmann-json3-dev libssl-dev
          postgresql-15 postgresql-client-15 postgresql-server-dev-15 help2man)
if [ "$mode" = test ]; then
  packages+=(googletest libgtest-dev clang libclang-rt-14-dev python3-jsonschema python3-yaml graphviz)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "all packages present"
fi

configure() {  # configure BUILD_DIR extra-cmake-args...
  local dir=$1
  shift
  cmake -S "$src" -B "$dir" -G Ninja "$@" >/dev/null
}

if [ "$mode" = test ]; then
  status=0
  say "build and test: $src/build"
  configure "$src/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWARNINGS_AS_ERRORS=ON -DBUILD_TESTING=ON
  cmake --build "$src/build" -j "$jobs"
  (cd "$src/build" && ctest -j "$jobs" --output-on-failure) || status=1

  # The whole-corpus tests (thousands of real schema files, the replayed histories) ran above; under the sanitizers they
  # would take most of CI's time, so the sanitizer run covers every other test.
  say "build and test with AddressSanitizer + UndefinedBehaviorSanitizer: $src/build-asan"
  configure "$src/build-asan" -DCMAKE_BUILD_TYPE=Debug -DENABLE_SANITIZERS=ON -DWARNINGS_AS_ERRORS=ON \
    -DBUILD_TESTING=ON
  cmake --build "$src/build-asan" -j "$jobs"
  (cd "$src/build-asan" && ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
     ctest -j "$jobs" --output-on-failure -LE bench -E "CorpusTest|e2e.histories") || status=1

  if [ -f "$src/tests/fuzz/CMakeLists.txt" ] && command -v clang++ >/dev/null; then
    say "fuzz for ${fuzz_seconds}s: $src/build-fuzz"
    fuzzers=$(sed -n 's/^add_executable(\([a-z_]*_fuzzer\).*/\1/p' "$src/tests/fuzz/CMakeLists.txt")
    # shellcheck disable=SC2086
    if ! configure "$src/build-fuzz" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
         -DCMAKE_BUILD_TYPE=RelWithDebInfo -DENABLE_FUZZING=ON -DBUILD_TESTING=ON ||
       ! cmake --build "$src/build-fuzz" -j "$jobs" --target $fuzzers; then
      say "FUZZ BUILD FAILED: the fuzzers did not run"
      fuzzers=""
      status=1
    fi
    for name in $fuzzers; do
      f="$src/build-fuzz/tests/fuzz/$name"
      [ -x "$f" ] || continue
      corpus_dir="$src/build-fuzz/$(basename "$f")-corpus"
      mkdir -p "$corpus_dir"
      "$f" -max_total_time="$fuzz_seconds" -print_final_stats=0 "$corpus_dir" "$src/tests/data/sql" \
        >"$src/build-fuzz/$(basename "$f").log" 2>&1 || { tail -40 "$src/build-fuzz/$(basename "$f").log"; status=1; }
      say "$(basename "$f"): $(grep -E '^#[0-9]+.*DONE|Done [0-9]+ runs' "$src/build-fuzz/$(basename "$f").log" | tail -1)"
    done
  fi
  exit $status
fi

build="$src/build-release"
say "building Release in $build"
configure "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DCMAKE_INSTALL_PREFIX="$prefix"
cmake --build "$build" -j "$jobs" >/dev/null
if [ -w "$prefix" ] || { [ ! -e "$prefix" ] && [ -w "$(dirname "$prefix")" ]; }; then
  cmake --install "$build" >/dev/null
else
  as_root cmake --install "$build" >/dev/null
fi
say "installed pgstate $("$prefix/bin/pgstate" --version | cut -d' ' -f2) into $prefix:"
say "  binaries  $prefix/bin/pgstate*"
say "  hooks     $prefix/share/pgstate/hooks"
say "  templates $prefix/share/pgstate/templates"
case ":$PATH:" in *":$prefix/bin:"*) ;; *) say "add $prefix/bin to your PATH" ;; esac

if [ "$mode" = tour ]; then
  PGSTATE_BIN_DIR="$prefix/bin" PGSTATE_SOURCE_DIR="$src" bash "$src/tests/e2e/tour.sh" --show
fi
