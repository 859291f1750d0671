#pragma once

// Re-checking the cache against its index: every file is there, has the
// size and sha256 it had when it was written, every zip and go.mod still
// hashes to its h1, and (with a checksum database) to the database's
// proven record. Bit rot, a disk that lied about fsync, or a
// hand edit show up here; --repair removes what is bad (the agent fetches
// it again on the next request).

#include <cache/store.hpp>
#include <cache/sumdb_store.hpp>

#include <string>
#include <vector>

namespace gpx::cache {

struct VerifyProblem
{
  std::string path;
  std::string
    what; // "missing", "size 10, want 12", "sha256 differs", "h1 …, want …"
};

struct VerifyReport
{
  std::int64_t checked = 0;
  std::int64_t bytes = 0;
  std::vector<VerifyProblem> problems;
  std::int64_t removed = 0; // with repair
};

// With the checksum database (not off), every public .mod and .zip must
// also match that database's record, proven from the cache alone: the
// cached lookup, signed by the database's key, in a tree consistent with
// the cached latest tree head, by cached tiles. Nothing is asked of the
// network.

Result<VerifyReport>
verify(Store& store, bool repair, const ProofOptions* proof = nullptr);

// The h1 hash of a cached .zip or .mod file (kind "zip" or "mod").
Result<std::string> artifact_h1(std::string_view kind,
                                const std::filesystem::path& file);

} // namespace gpx::cache
