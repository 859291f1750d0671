#pragma once

// Moving modules into and out of the cache without a network: from an
// existing module cache ($GOMODCACHE/cache/download is GOPROXY layout), and
// through a bundle directory for an air-gapped machine. A bundle is the
// same layout (so GOPROXY=file://BUNDLE works on its own) plus
// gpx-bundle.json, the sha256 of every file, which import checks.

#include <cache/store.hpp>
#include <cache/sumdb_store.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpx::cache {

struct TransferReport
{
  std::int64_t files = 0;    // imported or exported
  std::int64_t skipped = 0;  // already in the cache (import)
  std::int64_t rejected = 0; // failed a check (import)
  std::int64_t bytes = 0;
  std::vector<std::string> problems; // "path: why", one per rejected file
};

// Every .info/.mod/.zip of a canonical version under root and the checksum
// database's lookups and tiles (root/sumdb/NAME/…). A zip must pass the
// module zip rules and hash to its .ziphash when there is one; an .info must
// name its version; a file listed in a bundle manifest must have its sha256.
// link: hard-link instead of copying where the filesystem allows.
// With proof (a checksum database that is not off), the bundle's tree head,
// lookups and tiles enter the cache only as proven by that database's key,
// and a public .mod/.zip that contradicts its proven record is rejected;
// one without a record is imported unproven (the agent proves it on first
// use).
Result<TransferReport> import_tree(Store& store,
                                   const std::filesystem::path& root,
                                   bool link,
                                   const ProofOptions* proof = nullptr);

// A bundle's gpx-bundle.json: relative path → sha256 (exposed, with
// bundle_file_row, for their fuzz target: a bundle comes from elsewhere).
Result<std::map<std::string, std::string>>
parse_bundle_manifest(std::string_view text);
// The row a file under a bundle's root stands for, or nullopt for anything
// else (lists, locks, .ziphash, partial downloads, junk).
std::optional<ArtifactRow> bundle_file_row(const std::string& rel);

// The rows select accepts, written to dir in GOPROXY layout with list files
// and the manifest.
Result<TransferReport>
export_tree(Store& store,
            const std::filesystem::path& dir,
            const std::function<bool(const ArtifactRow&)>& select);

} // namespace gpx::cache
