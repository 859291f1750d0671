// Cache layout paths (cache/layout, cache/store): a path under download/ or
// a checksum-database lookup name, as recovery, import and the sumdb proxy
// read them. No crash; whatever is accepted names a valid module version
// whose own path is exactly the one read (so no two names share a file, and
// none leads outside the layout).

#include "fuzz_input.hpp"

#include <cache/layout.hpp>
#include <cache/store.hpp>

#include <cstdlib>

namespace {

std::optional<gpx::cache::Kind>
kind_of(const std::string& name)
{
  using gpx::cache::Kind;
  if (name == "info") {
    return Kind::info;
  }
  if (name == "mod") {
    return Kind::mod;
  }
  if (name == "zip") {
    return Kind::zip;
  }
  return std::nullopt;
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  namespace gc = gpx::cache;
  namespace gm = gpx::gomod;
  auto in = gpx::fuzz::text(data, size);
  if (auto row = gc::parse_artifact_path(in)) {
    if (!gm::check_path(row->module)) {
      std::abort();
    }
    if (auto kind = kind_of(row->kind)) {
      auto back = gc::artifact_path({row->module, row->version}, *kind);
      if (!back || back->generic_string() != in) {
        std::abort();
      }
    } else if (row->kind == "list") {
      auto back = gc::list_path(row->module);
      if (!back || back->generic_string() != in) {
        std::abort();
      }
    } else if (row->kind != "latest") {
      std::abort();
    }
  }
  if (auto mv = gc::sumdb_lookup_version(in)) {
    auto path = gm::escape_path(mv->path);
    auto version = gm::escape_version(mv->version);
    if (!gm::check(mv->path, mv->version) || !path || !version
        || "lookup/" + *path + "@" + *version != in) {
      std::abort();
    }
  }
  return 0;
}
