// Module path checks and case escaping: no crash on any input, and escaping
// round-trips for everything the checks accept.

#include <gomod/module.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  std::string in(reinterpret_cast<const char*>(data), size);
  namespace gm = gpx::gomod;

  bool path_ok = static_cast<bool>(gm::check_path(in));
  bool import_ok = static_cast<bool>(gm::check_import_path(in));
  (void)gm::check_file_path(in);
  // Every valid module path is a valid import path.
  if (path_ok && !import_ok) {
    std::abort();
  }
  if (auto e = gm::escape_path(in)) {
    auto back = gm::unescape_path(*e);
    if (!back || *back != in) {
      std::abort();
    }
  }
  if (auto u = gm::unescape_path(in)) {
    auto again = gm::escape_path(*u);
    if (!again || *again != in) {
      std::abort();
    }
  }
  if (auto e = gm::escape_version(in)) {
    auto back = gm::unescape_version(*e);
    if (!back || *back != in) {
      std::abort();
    }
  }
  auto split = gm::split_path_version(in);
  if (split.ok && split.prefix + split.path_major != in) {
    std::abort();
  }
  (void)gm::match_prefix_patterns(in, "example.com/a/b");
  (void)gm::match_prefix_patterns("*.corp.example,github.com/acme", in);
  return 0;
}
