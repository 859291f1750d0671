// Repository roots (gomod/vcs): go-get <meta name="go-import"> tags in any
// HTML, the tag an import path matches, the hosting-site rules and the check
// of a discovered repository URL. No crash; a matched tag's prefix is a
// path prefix of the path; a root from the path's shape is part of it.

#include "fuzz_input.hpp"

#include <gomod/vcs.hpp>

#include <cstdlib>

namespace {

// Go's str.HasPathPrefix, which matchGoImport uses: a prefix that ends in
// "/" (as a tag may write it) is a path prefix of everything below it.
bool
is_path_prefix(const std::string& prefix, const std::string& path)
{
  if (path.size() == prefix.size() || prefix.empty()) {
    return path == prefix || prefix.empty();
  }
  return path.size() > prefix.size() && path.starts_with(prefix)
         && (prefix.back() == '/' || path[prefix.size()] == '/');
}

void
match(const std::vector<gpx::gomod::vcs::MetaImport>& imports,
      const std::string& path)
{
  auto m = gpx::gomod::vcs::match_go_import(imports, path);
  if (m && !is_path_prefix(m->prefix, path)) {
    std::abort();
  }
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  namespace vcs = gpx::gomod::vcs;
  // The whole input is the page; its first line is also an import path.
  auto html = gpx::fuzz::text(data, size);
  auto path = gpx::fuzz::lines(html, 1, 2)[0];

  // As in Go (FindStringSubmatch), the general pattern is not anchored at
  // the start: the root is in the path, not always its prefix
  // ("x.y/a~b.c/d.git" gives "b.c/d.git"); code_repo refuses that mismatch.
  if (auto root = vcs::static_repo_root(path);
      root && *root
      && ((*root)->root.empty()
          || path.find((*root)->root) == std::string::npos)) {
    std::abort();
  }
  (void)vcs::check_discovered_repo_root(path);
  for (bool prefer_mod : {false, true}) {
    auto imports = vcs::parse_meta_go_imports(html, prefer_mod);
    match(imports, path);
    for (const auto& i : imports) {
      if (!prefer_mod && i.vcs == "mod") {
        std::abort(); // mod entries are for module mode only
      }
      (void)vcs::check_discovered_repo_root(i.repo_root);
      match(imports, i.prefix);
      match(imports, i.prefix + "/sub");
    }
  }
  return 0;
}
