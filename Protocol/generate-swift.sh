#!/usr/bin/env bash
# Regenerates the Swift code for Protocol/*.proto into Sources/MeshWire/Generated.
#
# Needs protoc (Debian: protobuf-compiler). The protoc-gen-swift plugin is built from the
# swift-protobuf version this package depends on (several minutes the first time), so the
# generated code always matches the runtime library. The output is committed; CI does not run this.
#
#   bash Protocol/generate-swift.sh [path/to/protoc-gen-swift]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v protoc >/dev/null || { echo "protoc not found: apt-get install -y protobuf-compiler" >&2; exit 1; }
plugin="${1:-}"
if [ -z "$plugin" ]; then
    swift build -c release --product protoc-gen-swift --scratch-path .build-protoc
    plugin="$(swift build -c release --scratch-path .build-protoc --show-bin-path)/protoc-gen-swift"
fi
out=Sources/MeshWire/Generated
mkdir -p "$out"
protoc --plugin=protoc-gen-swift="$plugin" \
    --swift_opt=Visibility=Public --swift_opt=FileNaming=FullPath \
    --proto_path=Protocol --swift_out="$out" Protocol/*.proto
echo "generated: $(ls "$out"/*.pb.swift | tr '\n' ' ')"
