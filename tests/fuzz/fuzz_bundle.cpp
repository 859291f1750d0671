// Bundles (cache/transfer): the manifest gpx-bundle.json and the names of a
// bundle's files, which come from another machine. No crash; a file import
// takes is a canonical version's .info/.mod/.zip at its own layout path, or
// a checksum-database file under sumdb/ (a lookup naming a valid version).

#include "fuzz_input.hpp"

#include <cache/store.hpp>
#include <cache/transfer.hpp>
#include <gomod/module.hpp>

#include <cstdlib>

namespace {

void
check_name(const std::string& rel)
{
  namespace gm = gpx::gomod;
  auto row = gpx::cache::bundle_file_row(rel);
  if (!row) {
    return;
  }
  if (row->kind == "sumdb") {
    if (!rel.starts_with("sumdb/")
        || (!row->module.empty() && !gm::check(row->module, row->version))) {
      std::abort();
    }
    return;
  }
  auto again = gpx::cache::parse_artifact_path("download/" + rel);
  if ((row->kind != "info" && row->kind != "mod" && row->kind != "zip")
      || !again || again->kind != row->kind
      || !gm::check(row->module, row->version)
      || gm::canonical_version(row->version) != row->version) {
    std::abort();
  }
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  auto in = gpx::fuzz::text(data, size);
  if (auto manifest = gpx::cache::parse_bundle_manifest(in)) {
    for (const auto& [rel, sha] : *manifest) {
      check_name(rel);
    }
  }
  for (const auto& line : gpx::fuzz::lines(in, 1, 8)) {
    check_name(line);
  }
  return 0;
}
